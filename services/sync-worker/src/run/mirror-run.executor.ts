import { Logger } from '@nestjs/common';
import type { Span } from '@opentelemetry/api';
import {
  aggregateSubject,
  AggregateKind,
  serviceActor,
  type Event,
  type MirrorConfig,
  type MirrorRunScheduled,
  type RunEvent,
  type RunSummary,
  type StoredEvent,
  type NewEvent,
} from '@ferry/contracts';
import { eventTraceContext, handleCommand, type Causation, type EventStore } from '@ferry/event-store';
import { DomainError, mirrorDecider, runOutcome, tagsSeenIn, targetCheckDue, type MirrorCommand, type MirrorState, type RunFailure, type RunVerdict } from '@ferry/mirror';
import { DispatcherPool, parseRepositoryReference } from '@ferry/registry-client';
import type { SecretBox } from '@ferry/secrets';
import { MemoryLedger, syncRepository, syncRequestForMirror, type SyncProgress, type SyncReport, type TagResult } from '@ferry/sync-engine';
import { withSpan } from '@ferry/telemetry';
import { recordRunFinished, recordRunStarted } from '@ferry/metrics';
import type { ProgressBoard } from '@ferry/run-progress';
import { meterTagResult, runErrorOf, summarize, tagEvent } from './run-report';
import { RunMeter } from './run-meter';
import { logTagFailed } from './run-log-lines';
import { RunTracing } from './run-tracing';
import type { RateLimitBoard } from './rate-limit-board';
import { targetWriter } from './target-writer';
import type { UpstreamSlot, UpstreamSlots } from './upstream-slots';

/** The run's own lines (each names its mirror, run and trace: see the sync-worker service). */
const log = new Logger('sync-worker');

/** What the worker appends (run results) is on its own account, named so in usage logs. */
export const WORKER_ACTOR = serviceActor('sync-worker');

/** The registry host a reference names (`docker.io` and `registry-1.docker.io` count as one). */
function upstreamHost(reference: string): string {
  return parseRepositoryReference(reference).host;
}

export interface RunSettings {
  /**
   * The target registry. With `username` (FERRY_TARGET_USERNAME) every run writes with those
   * credentials, for a registry that does not ask Ferry's token service; without, each run writes
   * as its mirror's robot.
   */
  target: { registryUrl: string; username?: string; password?: string; verifyTls: boolean };
  ssrfAllowedHosts: string[];
  leaseSeconds: number;
  rollback: boolean;
  tagConcurrency: number;
  blobConcurrency: number;
  /** `host/pid`, recorded on the run. */
  workerId: string;
  /** Runs at once against one upstream registry host, across all workers. */
  upstreamHostLimit: number;
  retryBaseSeconds: number;
  /** See the sync-worker's config: between full checks of the target. */
  driftCheckSeconds: number;
}

type ScheduledRun = StoredEvent & Event<'MirrorRunScheduled', MirrorRunScheduled['data']>;

interface RunContext {
  scheduled: ScheduledRun;
  subject: string;
  causation: Causation;
  command: (c: MirrorCommand) => Promise<{ events: StoredEvent[]; state: MirrorState }>;
  heartbeat: () => void;
  /** Aborted when the worker is stopping: the run is given back for another worker to resume. */
  stopping: AbortSignal;
  slot: UpstreamSlot;
  span: Span;
}

/**
 * How a run ended from this worker's point of view. `completed`: its terminal event is stored,
 * with the verdict and summary in it; `stale`: the assignment was already started or is over;
 * `lease-lost`: another worker took the run over; `busy-upstream`: try again shortly; `stopping`:
 * the worker stopped before it claimed the run, offer it to another at once; `handed-back`: the
 * worker stopped mid-run and gave the lease back.
 */
export type RunEnd =
  | { kind: 'completed'; verdict: RunVerdict; summary: RunSummary }
  | { kind: 'stale' | 'lease-lost' | 'busy-upstream' | 'stopping' | 'handed-back' };

/**
 * Carries out one scheduled run: claims it with its fencing token, keeps the lease alive, copies
 * with the sync engine while recording each tag's result on the run's subject, stops at once on a
 * cancel or a lost lease, and ends the run with exactly one terminal event.
 */
export class MirrorRunExecutor {
  constructor(
    private readonly store: EventStore,
    private readonly secrets: SecretBox,
    private readonly settings: RunSettings,
    private readonly slots: UpstreamSlots,
    private readonly rateLimits: RateLimitBoard,
    /** Where the run's live progress goes (tags and bytes done, rate, ETA), about once a second. */
    private readonly progress: ProgressBoard,
    /** The registries' connections, kept from one run to the next. */
    private readonly dispatchers: DispatcherPool = new DispatcherPool(),
  ) {}

  async execute(scheduled: ScheduledRun, heartbeat: () => void, stopping: AbortSignal = new AbortController().signal): Promise<RunEnd> {
    const { mirrorId, runId, fencingToken } = scheduled.data;
    const subject = aggregateSubject(this.store.prefix, AggregateKind.Mirror, mirrorId);
    const causation: Causation = { correlationId: scheduled.correlationId, causationId: scheduled.id, actor: WORKER_ACTOR };
    const command = (c: MirrorCommand) => handleCommand(this.store, subject, mirrorId, mirrorDecider, c, causation);

    return withSpan(
      'mirror.run',
      async (span) => {
        span.setAttributes({ 'ferry.mirror_id': mirrorId, 'ferry.run_id': runId, 'ferry.fencing_token': fencingToken });
        const host = upstreamHost(scheduled.data.externalReference);
        const slot = await this.slots.tryAcquire(host, this.settings.upstreamHostLimit, `${runId}/${fencingToken}`);
        if (!slot) {
          // Every slot of this upstream is taken: keep the lease so the run is not taken over
          // while it waits, and let the consumer offer it again shortly.
          try {
            await command({ kind: 'renew-lease', runId, fencingToken, now: new Date(), leaseSeconds: this.settings.leaseSeconds });
          } catch (error) {
            if (error instanceof DomainError) return { kind: 'stale' };
            throw error;
          }
          span.setAttribute('ferry.outcome', 'busy-upstream');
          return { kind: 'busy-upstream' };
        }
        try {
          return await this.claimAndRun({ scheduled, subject, causation, command, heartbeat, stopping, slot, span });
        } finally {
          await slot.release();
        }
      },
      { parent: eventTraceContext(scheduled) },
    );
  }

  private async claimAndRun(run: RunContext): Promise<RunEnd> {
    const { scheduled, subject, causation, command, heartbeat, stopping, slot, span } = run;
    const { mirrorId, runId, fencingToken } = scheduled.data;
    if (stopping.aborted) return { kind: 'stopping' };
    let started;
    try {
      started = await command({ kind: 'start-run', runId, fencingToken, worker: this.settings.workerId });
    } catch (error) {
      if (error instanceof DomainError) return { kind: 'stale' };
      throw error;
    }
    // The same assignment delivered again (its ack was lost, e.g. while NATS was away): the worker
    // that started it still runs it, or, if it died, the lease's expiry brings a new assignment.
    // Running it twice would record every tag twice.
    if (started.events.length === 0) return { kind: 'stale' };
    log.log(`run ${runId} of ${mirrorId} started`);
    recordRunStarted(scheduled.data.trigger);
    const config = started.state.config as MirrorConfig;
    const startedAt = new Date().toISOString();
    const abort = new AbortController();
    let cancelled = started.state.run?.cancelRequested ?? false;
    let leaseLost = false;
    const stop = () => abort.abort();
    stopping.addEventListener('abort', stop, { once: true });
    if (cancelled || stopping.aborted) abort.abort();

    const keepAlive = setInterval(heartbeat, 5_000);
    const leaseMs = this.settings.leaseSeconds * 1000;
    /** Until when this worker knows it holds the run: a renewal it sent then was accepted. */
    let leaseHeldUntil = Date.now() + leaseMs;
    const renew = async (): Promise<void> => {
      const sentAt = Date.now();
      try {
        await command({ kind: 'renew-lease', runId, fencingToken, now: new Date(sentAt), leaseSeconds: this.settings.leaseSeconds });
        leaseHeldUntil = Math.max(leaseHeldUntil, sentAt + leaseMs);
      } catch (error) {
        if (error instanceof DomainError) {
          leaseLost = true;
          abort.abort();
        }
        throw error;
      }
    };
    const renewal = setInterval(() => {
      void slot.renew();
      renew().catch(() => undefined);
    }, leaseMs / 3);
    /**
     * Records a tag's result only while the lease is known to be held, and gives up on an append
     * that could land after the lease ran out (NATS away longer than the lease): another worker
     * may have taken the run over by then, and its record of the tag is the one that counts.
     */
    const recordWhileHeld = async (event: NewEvent<RunEvent>): Promise<void> => {
      for (;;) {
        if (abort.signal.aborted) throw new Error('the run stopped before its result could be recorded');
        const remaining = leaseHeldUntil - Date.now() - 1_000;
        if (remaining > 0) {
          try {
            await this.store.append(runSubject, [event], { ...causation, aggregateId: runId, patienceMs: remaining });
            return;
          } catch (error) {
            if (leaseHeldUntil - Date.now() - 1_000 > 0) throw error;
          }
        }
        // The lease may have run out: only a renewal that is accepted (or refused) says.
        await renew().catch(async (error: unknown) => {
          if (error instanceof DomainError) throw error;
          await new Promise((r) => setTimeout(r, 1_000));
        });
      }
    };
    const watch = new AbortController();
    const watchFrom = started.events.at(-1)?.position ?? (await this.store.lastSequenceOf(subject));
    const watching = this.watchForCancel(subject, watchFrom + 1, runId, watch.signal, () => {
      cancelled = true;
      abort.abort();
    });

    // Between full checks, what the last run wrote vouches for the target (drift waits for the next full check).
    const checkTarget = targetCheckDue(started.state, new Date(), this.settings.driftCheckSeconds);
    const ledger = !checkTarget && started.state.lastRunId ? await this.ledgerOf(started.state.lastRunId) : undefined;
    span.setAttribute('ferry.target_check', ledger === undefined);

    let report: SyncReport | null = null;
    let failure: RunFailure | null = null;
    const results: TagResult[] = [];
    const tracing = new RunTracing();
    const meter = new RunMeter();
    const progress = this.progress.reporter({ runId, mirrorId });
    const runSubject = aggregateSubject(this.store.prefix, AggregateKind.Run, runId);
    try {
      if (!abort.signal.aborted) {
        const targetCredentials = await targetWriter(this.store, this.secrets, this.settings, config.robotUsername);
        report = await syncRepository({
          ...syncRequestForMirror(mirrorId, config, this.settings, {
            upstreamPassword: config.externalRegistryPassword ? this.secrets.open(config.externalRegistryPassword) : null,
            target: targetCredentials,
            tagsFirstSeen: started.state.tagsFirstSeen ?? {},
          }),
          upstreamRateLimit: this.rateLimits.budget(upstreamHost(config.externalReference), config.externalRegistryUsername ?? ''),
          seenAt: startedAt,
          rollback: this.settings.rollback,
          tagConcurrency: this.settings.tagConcurrency,
          blobConcurrency: this.settings.blobConcurrency,
          ledger,
          signal: abort.signal,
          dispatchers: this.dispatchers,
          ...meter.alongside({ ...tracing.hooks(), onProgress: (p: SyncProgress) => progress.update(p) }),
          onTagResult: async (result) => {
            results.push(result);
            tracing.tagResult(result);
            if (result.kind === 'failed') logTagFailed(log, mirrorId, result);
            await recordWhileHeld(tagEvent(mirrorId, runId, result));
            meterTagResult(result);
          },
        });
      }
    } catch (error) {
      if (!abort.signal.aborted) failure = runErrorOf(error);
    } finally {
      stopping.removeEventListener('abort', stop);
      clearInterval(keepAlive);
      clearInterval(renewal);
      watch.abort();
      await watching;
      // Its last entry is written before the run's end is, so whoever sees the end can read it.
      await progress.finish();
    }
    if (leaseLost) {
      span.setAttribute('ferry.outcome', 'lease-lost');
      return { kind: 'lease-lost' };
    }
    // Stopped before the run ended (not cancelled, not failed first): give it back, for another worker to resume at once.
    if (stopping.aborted && !cancelled && (report ? report.cancelled : failure === null)) {
      span.setAttribute('ferry.outcome', 'handed-back');
      try {
        await command({ kind: 'release-lease', runId, fencingToken, now: new Date() });
      } catch (error) {
        if (error instanceof DomainError) return { kind: 'lease-lost' };
        throw error;
      }
      return { kind: 'handed-back' };
    }
    const summary = summarize(startedAt, report?.tagsMatched ?? [], report?.results ?? results, report ? report.listingComplete && report.tagsTrustedFromLedger === 0 : false);
    // The mirror's record of when Ferry first saw each upstream tag, from this run's complete listing.
    if (report?.listingComplete) summary.tagsSeen = tagsSeenIn(report.upstreamTags, started.state.tagsFirstSeen ?? {}, startedAt);
    if (report?.deletionRefused) summary.deletionRefused = report.deletionRefused;
    const verdict = runOutcome({
      cancelled: cancelled || (report?.cancelled ?? false),
      failure,
      tagFailures: (report?.results ?? results).flatMap((r) => (r.kind === 'failed' ? [{ code: r.error.code, retryable: r.retryable }] : [])),
      tagsMatched: summary.tagsMatched.length,
      deletionRefused: report?.deletionRefused ?? null,
    });
    span.setAttributes({ 'ferry.outcome': verdict.outcome, 'ferry.tags_copied': summary.tagsCopied, 'ferry.bytes_copied': summary.bytesCopied });
    try {
      await command({
        kind: 'complete-run',
        runId,
        fencingToken,
        outcome: verdict.outcome,
        summary,
        ...(verdict.error ? { error: verdict.error, retryable: verdict.retryable } : {}),
        now: new Date(),
        jitter: Math.random(),
        retryBaseSeconds: this.settings.retryBaseSeconds,
      });
    } catch (error) {
      if (error instanceof DomainError) return { kind: 'lease-lost' };
      throw error;
    }
    recordRunFinished({
      outcome: verdict.outcome,
      namespace: config.namespace,
      durationSeconds: (Date.now() - Date.parse(startedAt)) / 1000,
      ...(verdict.error ? { errorCode: verdict.error.code } : {}),
      rateLimitWaits: report?.rateLimitWaits ?? 0,
    });
    return { kind: 'completed', verdict, summary };
  }

  /** What a run wrote to the target, from its tag events: tag → upstream digest, target digest, copy profile. */
  private async ledgerOf(runId: string): Promise<MemoryLedger> {
    const ledger = new MemoryLedger();
    const { events } = await this.store.read(aggregateSubject(this.store.prefix, AggregateKind.Run, runId));
    for (const event of events as RunEvent[]) {
      if (event.type === 'MirrorTagSynced' && event.data.sourceDigest && event.data.copyProfile) {
        ledger.set(event.data.tag, { source: event.data.sourceDigest, target: event.data.digest, profile: event.data.copyProfile });
      } else {
        // Failed, deleted, put back by a rollback, or recorded before sources were: not vouched for.
        ledger.delete(event.data.tag);
      }
    }
    return ledger;
  }

  /** Follows the mirror's subject from now on and calls `onCancel` when this run is cancelled or the mirror deleted. */
  private async watchForCancel(subject: string, from: number, runId: string, signal: AbortSignal, onCancel: () => void): Promise<void> {
    try {
      for await (const event of this.store.watchSubject(subject, from - 1, signal)) {
        if ((event.type === 'MirrorCancelRequested' && event.data.runId === runId) || event.type === 'MirrorDeleted') {
          onCancel();
          return;
        }
      }
    } catch {
      // Watching is best effort: a lost watch still ends through the lease renewal's fencing.
    }
  }
}
