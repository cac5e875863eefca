import { RunOutcome, type RunError } from '@ferry/contracts';

/** A run-level failure (the upstream refused the listing, the robot is gone, …) and whether a later run may succeed. */
export interface RunFailure extends RunError {
  retryable: boolean;
}

/**
 * A run whose tag results could not be stored in the log within its patience (NATS away longer
 * than the worker waits): its copying did not fail, so a later run may succeed and it is retried.
 */
export const RESULTS_NOT_RECORDED = 'RESULTS_NOT_RECORDED';

/** The failure of a run that could not record `tag`'s result within `patienceMs`, and why (`cause`: the last error's message). */
export function resultsNotRecorded(tag: string, patienceMs: number, cause: string): RunFailure {
  return {
    code: RESULTS_NOT_RECORDED,
    message: `the result of tag ${tag} could not be recorded within ${Math.round(patienceMs / 1000)} s (${cause}); the run stopped there and is retried`,
    retryable: true,
  };
}

/** What a run's end is decided from: plain data, so this lib never needs the sync engine's types. */
export interface RunFacts {
  /** Cancelled by a user (or the mirror deleted) while it ran. */
  cancelled: boolean;
  failure: RunFailure | null;
  /** One per tag that failed to copy. */
  tagFailures: readonly { code: string; retryable: boolean }[];
  /** How many tags the run set out to copy. */
  tagsMatched: number;
  /** The removal would have deleted more tags than the mirror's cap allows (and deleted none). */
  deletionRefused?: { wouldDelete: number; allowed: number } | null;
}

export interface RunVerdict {
  outcome: RunOutcome;
  /** Set when the outcome is FAILED. */
  error?: RunError;
  /** Whether the run is tried again within the interval; false waits for the next interval. */
  retryable: boolean;
}

/**
 * How a run ended and whether it is retried: a cancel wins; then a run-level failure, retried as
 * its error says; then failed tags (`TAGS_FAILED`), retried only when some tag may copy later, so
 * a run refused for good (every failure UNSIGNED_IMAGE, MANIFEST_TOO_LARGE, …) waits for the
 * next interval. A removal over the mirror's cap fails the run (`DELETE_CAP_EXCEEDED`) for good.
 */
export function runOutcome(facts: RunFacts): RunVerdict {
  if (facts.cancelled) return { outcome: RunOutcome.Cancelled, retryable: false };
  if (facts.failure) {
    const { code, message, retryable } = facts.failure;
    return { outcome: RunOutcome.Failed, error: { code, message }, retryable };
  }
  const failed = facts.tagFailures;
  if (facts.deletionRefused) {
    // Not retried: the same listing would be refused again. A person raises the cap or fixes the rule.
    const { wouldDelete, allowed } = facts.deletionRefused;
    const tags = failed.length ? `; ${failed.length} of ${facts.tagsMatched} tags also failed to copy` : '';
    return {
      outcome: RunOutcome.Failed,
      error: { code: 'DELETE_CAP_EXCEEDED', message: `the run would have deleted ${wouldDelete} tags, more than the ${allowed} max_delete allows, so it deleted none${tags}` },
      retryable: false,
    };
  }
  if (failed.length === 0) return { outcome: RunOutcome.Succeeded, retryable: false };
  const codes = [...new Set(failed.map((f) => f.code))].sort().join(', ');
  return {
    outcome: RunOutcome.Failed,
    error: { code: 'TAGS_FAILED', message: `${failed.length} of ${facts.tagsMatched} tags failed to copy (${codes})` },
    retryable: failed.some((f) => f.retryable),
  };
}
