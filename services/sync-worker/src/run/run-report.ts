import type { NewEvent, RunEvent, RunSummary } from '@ferry/contracts';
import type { RunFailure } from '@ferry/mirror';
import { recordTagResult, recordTagVerification, type TagResultLabel } from '@ferry/metrics';
import { unavailableDependency } from '@ferry/service-runtime';
import type { TagResult } from '@ferry/sync-engine';

/** Counts a run's tag results for its terminal event. */
export function summarize(startedAt: string | null, tagsMatched: string[], results: readonly TagResult[], targetChecked: boolean): RunSummary {
  const summary: RunSummary = { startedAt, tagsMatched, tagsCopied: 0, tagsUnchanged: 0, tagsDeleted: 0, tagsFailed: 0, bytesCopied: 0, targetChecked };
  for (const r of results) {
    if (r.kind === 'synced') {
      if (r.unchanged) summary.tagsUnchanged++;
      else summary.tagsCopied++;
      summary.bytesCopied += r.bytesCopied;
    } else if (r.kind === 'deleted') {
      summary.tagsDeleted++;
    } else if (r.kind === 'failed') {
      summary.tagsFailed++;
    }
  }
  return summary;
}

/** A tag's result in the metrics, as the run's summary counts it (its bytes were metered as they moved: see RunMeter). */
export function meterTagResult(r: TagResult): void {
  const label: TagResultLabel = r.kind === 'synced' ? (r.unchanged ? 'unchanged' : 'copied') : r.kind === 'rolled-back' ? 'rolled_back' : r.kind;
  recordTagResult(label);
  const verification = r.kind === 'synced' || r.kind === 'failed' ? r.verification : undefined;
  // Every tag of a verifying mirror, by the check it stands on (a tag unchanged since it was verified keeps that check).
  if (verification) recordTagVerification(verification.outcome, verification.quarantined ?? false);
}

/** The run-stream event that records one tag's result. */
export function tagEvent(mirrorId: string, runId: string, r: TagResult): NewEvent<RunEvent> {
  switch (r.kind) {
    case 'synced':
      return {
        type: 'MirrorTagSynced',
        data: {
          mirrorId,
          runId,
          tag: r.tag,
          digest: r.digest,
          mediaType: r.mediaType,
          bytesCopied: r.bytesCopied,
          unchanged: r.unchanged,
          sourceDigest: r.sourceDigest,
          copyProfile: r.copyProfile,
          ...(r.firstSeenAt ? { firstSeenAt: r.firstSeenAt } : {}),
          ...(r.verification ? { verification: r.verification } : {}),
        },
      };
    case 'failed':
      return { type: 'MirrorTagFailed', data: { mirrorId, runId, tag: r.tag, error: r.error, retryable: r.retryable, ...(r.verification ? { verification: r.verification } : {}) } };
    case 'deleted':
      return { type: 'MirrorTagDeleted', data: { mirrorId, runId, tag: r.tag, digest: r.digest } };
    case 'rolled-back':
      return { type: 'MirrorTagRolledBack', data: { mirrorId, runId, tag: r.tag, digest: r.digest, mediaType: r.mediaType } };
  }
}

/** A run that failed because a dependency of Ferry's (NATS, Postgres) was away. */
export const DEPENDENCY_UNAVAILABLE = 'DEPENDENCY_UNAVAILABLE';

/**
 * A run-level failure from whatever was thrown: its code and retryable flag when it has them (an
 * unknown error may pass). NATS or Postgres being away is said so, retryable: no fault of Ferry's.
 */
export function runErrorOf(error: unknown): RunFailure {
  const e = error as { code?: unknown; message?: unknown; retryable?: unknown };
  const away = unavailableDependency(error);
  if (away) return { code: DEPENDENCY_UNAVAILABLE, message: `${away} is unavailable: ${typeof e.message === 'string' ? e.message : String(error)}`, retryable: true };
  return {
    code: typeof e.code === 'string' ? e.code : 'INTERNAL',
    message: typeof e.message === 'string' ? e.message : String(error),
    retryable: typeof e.retryable === 'boolean' ? e.retryable : true,
  };
}
