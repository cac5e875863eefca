import { RunOutcome, type RunError } from '@ferry/contracts';
import type { RunFailure } from '../run-outcome';

/** What a discovery's end is decided from, as plain data. */
export interface DiscoveryFacts {
  /** Cancelled by a user (or the organization mirror deleted) while it ran. */
  cancelled: boolean;
  /** Listing the upstream, or setting repositories up, failed. */
  failure: RunFailure | null;
  /** What was done about the vanished repositories once the listing was complete (null: it never was). */
  vanished: {
    deleted: string[];
    /** Deleting them would exceed the cap: none were deleted. */
    refused: { wouldDelete: number; allowed: number } | null;
    /** Removing one of them failed (the others went on); the rest are removed by a later discovery. */
    failure: RunFailure | null;
  } | null;
}

/** The fields of `complete-discovery` that say how it ended. */
export interface DiscoveryVerdict {
  outcome: RunOutcome;
  error?: RunError;
  retryable?: boolean;
  deleted?: string[];
  deletionRefused?: { wouldDelete: number; allowed: number };
}

/**
 * How a discovery ended: a cancel wins; then a failure, retried as its error says (what was
 * removed before it still recorded); a deletion over the cap fails it for good with
 * DELETE_CAP_EXCEEDED, as a run's tag deletion does (the same listing would be refused again).
 * A repository that could not be set up (its name taken) does not fail it: the summary lists it.
 */
export function discoveryVerdict(facts: DiscoveryFacts): DiscoveryVerdict {
  if (facts.cancelled) return { outcome: RunOutcome.Cancelled };
  const failure = facts.failure ?? facts.vanished?.failure ?? null;
  const deleted = facts.vanished?.deleted ?? [];
  if (failure) return { outcome: RunOutcome.Failed, error: { code: failure.code, message: failure.message }, retryable: failure.retryable, deleted };
  const refused = facts.vanished?.refused;
  if (refused) {
    return {
      outcome: RunOutcome.Failed,
      error: { code: 'DELETE_CAP_EXCEEDED', message: `${refused.wouldDelete} repositories vanished upstream, more than the ${refused.allowed} the vanished max_delete allows, so none were deleted` },
      retryable: false,
      deletionRefused: refused,
    };
  }
  return { outcome: RunOutcome.Succeeded, deleted };
}
