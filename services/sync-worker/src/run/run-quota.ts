import { aggregateSubject, AggregateKind, DomainError, DomainErrorCode } from '@ferry/contracts';
import { handleCommand, loadState, type Causation, type EventStore, type WatchedFolds } from '@ferry/event-store';
import { hardLimitBytes, quotaDecider } from '@ferry/mirror';
import { SyncError } from '@ferry/sync-engine';

/** The run's error when it would take its namespace past its hard (`Reject`) quota limit. */
export const QUOTA_EXCEEDED = DomainErrorCode.QuotaExceeded;

/**
 * One run's dealings with its namespace's quota (the quota aggregate): before it writes, whether
 * the namespace has a quota and whether it may write (only a namespace with a hard limit costs the
 * run a reading of what it would add, from the run's own listings: `SyncRequest.beforeWrite`);
 * after, under a quota, what it wrote. A namespace without a quota costs a run no append, and
 * no read once the worker has read it (see `WatchedFolds`): its usage is the `repository_usage` read
 * model's, which a quota made later starts from.
 */
export class RunQuota {
  private readonly subject: string;
  /** Whether the namespace had a quota when the run read it (`hasHardLimit`): only then is its usage recorded. */
  private underQuota = false;
  private reserved = false;

  constructor(
    private readonly store: EventStore,
    private readonly causation: Causation,
    private readonly target: { namespace: string; repository: string; runId: string; fencingToken: number },
    /** The worker's watch on every namespace's quota: read again only after an append to it. */
    private readonly quotas?: WatchedFolds,
  ) {
    this.subject = aggregateSubject(store.prefix, AggregateKind.Quota, target.namespace);
  }

  /**
   * Reads the namespace's quota (no request for a subject this worker read since its last append,
   * with `quotas`; one without): whether it has a hard (`Reject`) limit, when the run must be
   * admitted (`admit`) before it writes.
   */
  async hasHardLimit(): Promise<boolean> {
    const { state } = this.quotas ? await this.quotas.load(this.store, this.subject, quotaDecider) : await loadState(this.store, this.subject, quotaDecider);
    this.underQuota = state.quota !== null;
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

  /**
   * Records what the run wrote (and ends its reservation) when the namespace had a quota as the
   * run began; a run that wrote nothing and reserved nothing records nothing. A quota made while
   * the run was writing does not see what the run wrote after the quota's baseline was read (the
   * read model counts it; the quota's enforcement does not): the README's quota section.
   */
  async record(bytesWritten: number): Promise<void> {
    if (!this.underQuota) return;
    if (bytesWritten <= 0 && !this.reserved) return;
    const { namespace, repository, runId, fencingToken } = this.target;
    await handleCommand(this.store, this.subject, namespace, quotaDecider, { kind: 'record-usage', namespace, repository, runId, fencingToken, bytes: bytesWritten }, this.causation);
  }
}
