import type { RunSummary, StoredEvent } from '@ferry/contracts';
import { recordRunFinished } from '@ferry/metrics';
import { DomainError, runOutcome, tagsSeenIn, type MirrorCommand, type MirrorState, type RunFailure, type RunVerdict, type TagsFirstSeen } from '@ferry/mirror';
import type { SyncReport, TagResult } from '@ferry/sync-engine';
import { summarize } from './run-report';

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

/** A command on the run's mirror, fenced by the run's token. */
export type MirrorRunCommand = (command: MirrorCommand) => Promise<{ events: StoredEvent[]; state: MirrorState }>;

/** What the copy came to: the engine's report when it finished, else the results recorded before it stopped. */
export interface CopyOutcome {
  report: SyncReport | null;
  results: readonly TagResult[];
  /** Why the run failed as a whole (the engine threw, a result could not be recorded). */
  failure: RunFailure | null;
  /** Cancelled by a user (or the mirror deleted) before or while it ran. */
  cancelled: boolean;
}

/** The run's summary and verdict, from its copy outcome and what the mirror knew of its tags when the run began. */
export function runVerdictOf(copy: CopyOutcome, startedAt: string, tagsFirstSeen: TagsFirstSeen): { summary: RunSummary; verdict: RunVerdict } {
  const { report, failure } = copy;
  const results = report?.results ?? copy.results;
  const summary = summarize(startedAt, report?.tagsMatched ?? [], results, report ? report.listingComplete && report.tagsTrustedFromLedger === 0 : false);
  // The mirror's record of when Ferry first saw each upstream tag, from this run's complete listing.
  if (report?.listingComplete) summary.tagsSeen = tagsSeenIn(report.upstreamTags, tagsFirstSeen, startedAt);
  if (report?.deletionRefused) summary.deletionRefused = report.deletionRefused;
  const verdict = runOutcome({
    cancelled: copy.cancelled || (report?.cancelled ?? false),
    failure,
    tagFailures: results.flatMap((r) => (r.kind === 'failed' ? [{ code: r.error.code, retryable: r.retryable }] : [])),
    tagsMatched: summary.tagsMatched.length,
    deletionRefused: report?.deletionRefused ?? null,
  });
  return { summary, verdict };
}

export interface CompletionContext {
  runId: string;
  fencingToken: number;
  startedAt: string;
  tagsFirstSeen: TagsFirstSeen;
  /** The mirror's namespace, for the metrics. */
  namespace: string;
  retryBaseSeconds: number;
}

/**
 * Ends the run with its one terminal event (the decider refuses a second one, and one from a
 * worker whose lease passed on: `lease-lost`), then counts it in the metrics. A failure to reach
 * NATS is thrown: the run's message is offered again, and the lease's expiry brings the run back.
 */
export async function completeRun(command: MirrorRunCommand, run: CompletionContext, copy: CopyOutcome): Promise<RunEnd> {
  const { summary, verdict } = runVerdictOf(copy, run.startedAt, run.tagsFirstSeen);
  try {
    await command({
      kind: 'complete-run',
      runId: run.runId,
      fencingToken: run.fencingToken,
      outcome: verdict.outcome,
      summary,
      ...(verdict.error ? { error: verdict.error, retryable: verdict.retryable } : {}),
      now: new Date(),
      jitter: Math.random(),
      retryBaseSeconds: run.retryBaseSeconds,
    });
  } catch (error) {
    if (error instanceof DomainError) return { kind: 'lease-lost' };
    throw error;
  }
  recordRunFinished({
    outcome: verdict.outcome,
    namespace: run.namespace,
    durationSeconds: (Date.now() - Date.parse(run.startedAt)) / 1000,
    ...(verdict.error ? { errorCode: verdict.error.code } : {}),
    rateLimitWaits: copy.report?.rateLimitWaits ?? 0,
  });
  return { kind: 'completed', verdict, summary };
}

/** Gives the run back as its worker stops (no terminal event): another worker resumes it at once. */
export async function handBackRun(command: MirrorRunCommand, run: Pick<CompletionContext, 'runId' | 'fencingToken'>): Promise<RunEnd> {
  try {
    await command({ kind: 'release-lease', runId: run.runId, fencingToken: run.fencingToken, now: new Date() });
  } catch (error) {
    if (error instanceof DomainError) return { kind: 'lease-lost' };
    throw error;
  }
  return { kind: 'handed-back' };
}
