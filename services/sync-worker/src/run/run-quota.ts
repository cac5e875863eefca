import { aggregateSubject, AggregateKind, DomainError, DomainErrorCode } from '@ferry/contracts';
import { handleCommand, loadState, type Causation, type EventStore } from '@ferry/event-store';
import { hardLimitBytes, quotaDecider } from '@ferry/mirror';
import { SyncError } from '@ferry/sync-engine';

/** The run's error when it would take its namespace past its hard (`Reject`) quota limit. */
export const QUOTA_EXCEEDED = DomainErrorCode.QuotaExceeded;

/**
 * One run's dealings with its namespace's quota (the quota aggregate): before it writes, whether
 * it may (only a namespace with a hard limit costs the run a reading of what it would add, from
 * the run's own listings: `SyncRequest.beforeWrite`); after, what it wrote, the namespace's usage.
 */
export class RunQuota {
  private readonly subject: string;
  private reserved = false;

  constructor(
    private readonly store: EventStore,
    private readonly causation: Causation,
    private readonly target: { namespace: string; repository: string; runId: string; fencingToken: number },
  ) {
    this.subject = aggregateSubject(store.prefix, AggregateKind.Quota, target.namespace);
  }

  /**
   * Whether the namespace has a hard (`Reject`) limit: then the run must be admitted (`admit`)
   * before it writes. Without one, a run costs nothing more than this read.
   */
  async hasHardLimit(): Promise<boolean> {
    const { state } = await loadState(this.store, this.subject, quotaDecider);
    return hardLimitBytes(state.quota) !== null;
  }

  /**
   * Reserves the bytes the run would add (the blobs of the upstream manifests it would copy that
   * the target repository lacks), or refuses the run with `QUOTA_EXCEEDED` (not retryable: the
   * next scheduled run asks again), which fails it before it writes anything.
   */
  async admit(bytes: number): Promise<void> {
    const { namespace, repository, runId, fencingToken } = this.target;
    try {
      await handleCommand(this.store, this.subject, namespace, quotaDecider, { kind: 'reserve', namespace, repository, runId, fencingToken, bytes }, this.causation);
    } catch (error) {
      if (error instanceof DomainError && error.code === DomainErrorCode.QuotaExceeded) throw new SyncError(QUOTA_EXCEEDED, error.message, false, { cause: error });
      throw error;
    }
    this.reserved = bytes > 0;
  }

  /** Records what the run wrote (and ends its reservation); a run that wrote nothing and reserved nothing records nothing. */
  async record(bytesWritten: number): Promise<void> {
    if (bytesWritten <= 0 && !this.reserved) return;
    const { namespace, repository, runId, fencingToken } = this.target;
    await handleCommand(this.store, this.subject, namespace, quotaDecider, { kind: 'record-usage', namespace, repository, runId, fencingToken, bytes: bytesWritten }, this.causation);
  }
}
