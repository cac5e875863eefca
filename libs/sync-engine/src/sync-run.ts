import type { SyncReport, SyncRequest, TagResult } from './sync-request';

/** What a kept tag holds on the target after the run. */
export interface KeptTag {
  digest: string;
  mediaType: string;
  /** The index entries now on the target; null when not known (an unchanged tag). */
  children: string[] | null;
}

/**
 * The bookkeeping of one run: which tags it wants on the target, what each kept tag holds, what
 * it changed (for a rollback), and the report, whose results reach the caller one at a time in
 * the order they happened.
 */
export class SyncRun {
  readonly report: SyncReport;
  /** Target tags that stay: the selected tags, their companions, and tags that failed. */
  readonly wanted = new Set<string>();
  readonly kept = new Map<string, KeptTag>();
  /** Tag → digest it held before this run changed it (null: it did not exist), for rollback. */
  readonly changed = new Map<string, string | null>();
  /** Upstream and target digests of the tags kept, whose companion tags survive the removal. */
  readonly keptDigests = new Set<string>();
  /** Companion tags already taken up with their image (a run that verifies copies them only so). */
  readonly companionsTaken = new Set<string>();
  tagsDone = 0;
  private resultChain: Promise<void> = Promise.resolve();

  constructor(
    private readonly req: Pick<SyncRequest, 'onTagResult'>,
    /** Called as a tag's result counts towards `tagsDone`. */
    private readonly onTagDone: () => void = () => undefined,
  ) {
    this.report = {
      tagsMatched: [],
      upstreamTags: [],
      results: [],
      listingComplete: false,
      bytesCopied: 0,
      cancelled: false,
      indexMode: null,
      rolledBack: [],
      requests: { upstream: 0, target: 0 },
      tagsTrustedFromLedger: 0,
      deletionRefused: null,
    };
  }

  /** Records a tag's result and hands it to the caller after the ones before it. */
  emit(result: TagResult): Promise<void> {
    this.report.results.push(result);
    if (result.kind === 'synced') this.report.bytesCopied += result.bytesCopied;
    if (result.kind !== 'rolled-back') {
      this.tagsDone++;
      this.onTagDone();
    }
    this.resultChain = this.resultChain.then(() => this.req.onTagResult?.(result));
    return this.resultChain;
  }

  /** Resolves once the caller has taken every result so far. */
  settled(): Promise<void> {
    return this.resultChain;
  }

  keep(tag: string, sourceDigest: string, kept: KeptTag): void {
    this.keptDigests.add(sourceDigest).add(kept.digest);
    this.kept.set(tag, kept);
  }

  hasFailures(): boolean {
    return this.report.results.some((r) => r.kind === 'failed');
  }
}
