import { Logger } from '@nestjs/common';
import type { Span } from '@opentelemetry/api';
import {
  aggregateSubject,
  AggregateKind,
  serviceActor,
  type Event,
  type MirrorConfig,
  type MirrorRunScheduled,
  type NewEvent,
  type RunEvent,
  type StoredEvent,
} from '@ferry/contracts';
import { eventTraceContext, handleCommand, type Causation, type CommandResult, type EventStore, type WatchedFolds } from '@ferry/event-store';
import { DomainError, mirrorDecider, targetCheckDue, type MirrorCommand, type MirrorState, type RunFailure } from '@ferry/mirror';
import { parseRepositoryReference, type DispatcherPool } from '@ferry/registry-client';
import type { SecretBox } from '@ferry/secrets';
import { syncRepository, syncRequestForMirror, type SyncProgress, type SyncReport, type SyncRequest, type TagResult } from '@ferry/sync-engine';
import { withSpan } from '@ferry/telemetry';
import { recordRunStarted } from '@ferry/metrics';
import type { ProgressBoard } from '@ferry/run-progress';
import { meterTagResult, runErrorOf, tagEvent } from './run-report';
import { cancelsRun, watchRunStop, type RunStop } from './run-cancel-watch';
import { completeRun, handBackRun, type MirrorRunCommand, type RunEnd } from './run-completion';
import { holdRunLease, type RunLease } from './run-lease';
import { RunLedger } from './run-ledger';
import { MirrorMemory } from './mirror-memory';
import { RunMeter } from './run-meter';
import { RunQuota } from './run-quota';
import { logTagFailed } from './run-log-lines';
import { RunTracing } from './run-tracing';
import type { RateLimitBoard } from './rate-limit-board';
import { targetWriter } from './target-writer';
import type { UpstreamSlot, UpstreamSlots } from './upstream-slots';

/** The run's own lines (each names its mirror, run and trace: see the sync-worker service). */
const log = new Logger('sync-worker');

/**
 * A run watches its mirror for a cancel once it has lasted this long (see `watchRunStop`): most
 * runs are over sooner, and spare their mirror's subject a subscription and a read.
 */
const FOLLOW_MIRROR_AFTER_MS = 1_000;

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

/** What a worker keeps from run to run, so that a run asks less of the registries and NATS. */
export interface ExecutorMemory {
  /** The registries' connections. */
  dispatchers?: DispatcherPool;
  /** Each mirror's fold and its last run's ledger, and the mirrors' snapshots. */
  memory?: MirrorMemory;
  /** Every namespace's quota, read again only after it changed. */
  quotas?: WatchedFolds;
}

type ScheduledRun = StoredEvent & Event<'MirrorRunScheduled', MirrorRunScheduled['data']>;

interface RunContext {
  scheduled: ScheduledRun;
  subject: string;
  causation: Causation;
  command: MirrorRunCommand;
  heartbeat: () => void;
  /** Aborted when the worker is stopping: the run is given back for another worker to resume. */
  stopping: AbortSignal;
  slot: UpstreamSlot;
  span: Span;
}

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
    private readonly acrossRuns: ExecutorMemory = {},
  ) {
    this.memory = acrossRuns.memory ?? new MirrorMemory(store);
  }

  private readonly memory: MirrorMemory;

  /**
   * `previousPosition`: the position of the mirror's event before the scheduling one (the
   * consumer's delivery says it): the claim reads only the events between this worker's fold of
   * the mirror and there (see `foldDelivered`).
   */
  async execute(scheduled: ScheduledRun, heartbeat: () => void, stopping: AbortSignal = new AbortController().signal, previousPosition?: number): Promise<RunEnd> {
    const { mirrorId, runId, fencingToken } = scheduled.data;
    const subject = aggregateSubject(this.store.prefix, AggregateKind.Mirror, mirrorId);
    const causation: Causation = { correlationId: scheduled.correlationId, causationId: scheduled.id, actor: WORKER_ACTOR };
    // Once the run is claimed, this worker is usually the last to have written its mirror's
    // subject: it decides on the fold it kept and reads only when someone wrote in between. The
    // claim does too once its fold is brought up to the scheduling event, which the delivery
    // says is the subject's newest but for what came since (then the claim's append is refused, and it reads).
    const foldIsWhole = await this.memory.foldThrough(subject, scheduled, previousPosition);
    const command = (c: MirrorCommand) =>
      handleCommand(this.store, subject, mirrorId, mirrorDecider, c, causation, { trustFold: c.kind !== 'start-run' || foldIsWhole });

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
    const { scheduled, subject, command, stopping, span } = run;
    const { mirrorId, runId, fencingToken } = scheduled.data;
    if (stopping.aborted) return { kind: 'stopping' };
    const started = await this.claim(command, runId, fencingToken);
    if (!started) return { kind: 'stale' };
    // A run resumed from another hold finds results of that hold on its subject that it did not record.
    const resumed = started.events.some((e) => e.type === 'MirrorRunResumed');
    log.log(`run ${runId} of ${mirrorId} started`);
    recordRunStarted(scheduled.data.trigger);
    const config = started.state.config as MirrorConfig;
    const startedAt = new Date().toISOString();
    const { lease, runStop, runLedger } = await this.holdRun(run, started);

    // Between full checks, what the last run wrote vouches for the target (drift waits for the next full check).
    const checkTarget = targetCheckDue(started.state, new Date(), this.settings.driftCheckSeconds);
    const lastRunId = started.state.lastRunId;
    const ledger = !checkTarget && lastRunId ? await this.memory.ledgerOf(subject, lastRunId) : undefined;
    span.setAttribute('ferry.target_check', ledger === undefined);

    let report: SyncReport | null = null;
    let failure: RunFailure | null = null;
    const results: TagResult[] = [];
    /** The tag events this hold recorded, in order: the run's ledger, for its next run. */
    const recorded: NewEvent<RunEvent>[] = [];
    const tracing = new RunTracing();
    const meter = new RunMeter();
    const progress = this.progress.reporter({ runId, mirrorId });
    const quota = new RunQuota(this.store, run.causation, { namespace: config.namespace, repository: config.repository, runId, fencingToken }, this.acrossRuns.quotas);
    try {
      if (!runStop.signal.aborted) {
        const targetCredentials = await targetWriter(this.store, this.secrets, this.settings, config.robotUsername);
        const request: SyncRequest = {
          ...syncRequestForMirror(mirrorId, config, this.settings, {
            upstreamPassword: config.externalRegistryPassword ? this.secrets.open(config.externalRegistryPassword) : null,
            target: targetCredentials,
            tagsFirstSeen: started.state.tagsFirstSeen ?? {},
          }, scheduled.data),
          upstreamRateLimit: this.rateLimits.budget(upstreamHost(config.externalReference), config.externalRegistryUsername ?? ''),
          seenAt: startedAt,
          rollback: this.settings.rollback,
          tagConcurrency: this.settings.tagConcurrency,
          blobConcurrency: this.settings.blobConcurrency,
          ledger,
          signal: runStop.signal,
          ...(this.acrossRuns.dispatchers ? { dispatchers: this.acrossRuns.dispatchers } : {}),
          ...meter.alongside({ ...tracing.hooks(), onProgress: (p: SyncProgress) => progress.update(p) }),
          onTagResult: async (result) => {
            results.push(result);
            tracing.tagResult(result);
            if (result.kind === 'failed') logTagFailed(log, mirrorId, result);
            const event = tagEvent(mirrorId, runId, result);
            await runLedger.record(event);
            recorded.push(event);
            meterTagResult(result);
          },
        };
        // Under a hard quota limit, what the run would add is read (and reserved) before it writes anything.
        if (await quota.hasHardLimit()) request.beforeWrite = ({ bytes }) => quota.admit(bytes);
        report = await syncRepository(request);
      }
    } catch (error) {
      if (!runStop.signal.aborted) failure = runErrorOf(error);
    } finally {
      lease.stop();
      await runStop.close();
    }
    // The last progress entry goes out before the run's end, on the same connection and in the same
    // socket write (see `finish`), and is stored before the run is over here.
    const lastProgress = progress.finish();
    try {
      // What this hold of the run wrote counts towards its namespace's usage however the run ends.
      await quota.record((report?.results ?? results).reduce((sum, r) => sum + (r.kind === 'synced' ? r.bytesCopied : 0), 0));
      if (lease.lost.aborted) {
        span.setAttribute('ferry.outcome', 'lease-lost');
        return { kind: 'lease-lost' };
      }
      // Stopped before the run ended (not cancelled, not failed first): give it back, for another worker to resume at once.
      if (stopping.aborted && !runStop.cancelled() && (report ? report.cancelled : failure === null)) {
        span.setAttribute('ferry.outcome', 'handed-back');
        return await handBackRun(command, { runId, fencingToken });
      }
      const copy = { report, results, failure, cancelled: runStop.cancelled() };
      const end = await completeRun(command, { runId, fencingToken, startedAt, tagsFirstSeen: started.state.tagsFirstSeen ?? {}, namespace: config.namespace, retryBaseSeconds: this.settings.retryBaseSeconds }, copy);
      // Every result is in `recorded` only when this hold started the run and none failed to be recorded (that fails the run).
      if (end.kind === 'completed') this.memory.runEnded(subject, { runId, ...(!resumed && failure === null && !copy.cancelled ? { results: recorded } : {}) });
      if (end.kind === 'completed') span.setAttributes({ 'ferry.outcome': end.verdict.outcome, 'ferry.tags_copied': end.summary.tagsCopied, 'ferry.bytes_copied': end.summary.bytesCopied });
      return end;
    } finally {
      await lastProgress;
    }
  }

  /**
   * Claims the run with its fencing token: null when the assignment is stale, or is the same one
   * delivered again (its ack was lost, e.g. while NATS was away). The worker that started it still
   * runs it, or, if it died, the lease's expiry brings a new assignment; running it twice would
   * record every tag twice.
   */
  private async claim(command: MirrorRunCommand, runId: string, fencingToken: number): Promise<CommandResult<MirrorState> | null> {
    try {
      const started = await command({ kind: 'start-run', runId, fencingToken, worker: this.settings.workerId });
      return started.events.length === 0 ? null : started;
    } catch (error) {
      if (error instanceof DomainError) return null;
      throw error;
    }
  }

  /** From the claim on: the run's lease, what stops it (cancel, worker stopping, lease lost), and its ledger of tag results. */
  private async holdRun(run: RunContext, started: CommandResult<MirrorState>): Promise<{ lease: RunLease; runStop: RunStop; runLedger: RunLedger }> {
    const { scheduled, subject, causation, command, heartbeat, stopping, slot } = run;
    const { runId, fencingToken } = scheduled.data;
    const leaseSeconds = this.settings.leaseSeconds;
    const lease = holdRunLease((now) => command({ kind: 'renew-lease', runId, fencingToken, now, leaseSeconds }), {
      leaseSeconds,
      heldUntil: Date.parse(started.state.run!.leaseExpiresAt),
      heartbeat,
      slot,
    });
    // `claim` returns a start only with its events.
    const watchFrom = started.events.at(-1)!.position;
    const runStop = watchRunStop((signal) => this.store.watchSubject(subject, watchFrom, signal), { isCancel: cancelsRun(runId), cancelRequested: started.state.run?.cancelRequested ?? false }, stopping, lease.lost, {
      followAfterMs: FOLLOW_MIRROR_AFTER_MS,
    });
    const runSubject = aggregateSubject(this.store.prefix, AggregateKind.Run, runId);
    // The store's patience is the worker's (10 min): how long a result waits out NATS before the run gives up.
    const runLedger = new RunLedger(
      (event, { eventId, patienceMs }) => this.store.append(runSubject, [event], { ...causation, aggregateId: runId, eventIds: [eventId], patienceMs }),
      lease,
      runStop.signal,
      // Never past JetStream's duplicate window: a result retried later could be stored twice.
      { patienceMs: Math.min(this.store.options.publishPatienceMs, this.store.options.duplicateWindowMs) },
    );
    return { lease, runStop, runLedger };
  }
}
