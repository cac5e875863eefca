import { QUAY_TAG_DELETION } from '@ferry/contracts';
import { ConcurrencyLimit } from './concurrency-limit';
import { DEFAULT_TAG_CONCURRENCY } from './sync-defaults';
import type { SyncReport, SyncRequest } from './sync-request';
import { rollBack } from './rollback';
import { SyncRun } from './sync-run';
import { SyncSession } from './sync-session';
import { planCopies } from './sync-preview';
import { planRemoval, removeTags } from './tag-removal';
import { syncTag, tagSyncContext } from './tag-sync';

/**
 * One sync run of one upstream repository into one target repository: list the upstream tags
 * (every page), select them with the mirror's rule, copy each selected tag that differs from the
 * target (tags and blobs in parallel, unchanged tags skipped after a HEAD), then — only after a
 * complete listing, never after a cancel, and within the mirror's cap — remove the target tags
 * that are no longer selected. On a failed run with rollback, put the target back instead.
 *
 * Tag-level failures are reported in the results; run-level failures (upstream not allowed or
 * unreachable, credentials refused, listing failed) throw a {@link SyncError}. A cancel (the
 * signal) aborts in-flight requests and resolves with `cancelled: true`.
 */
export async function syncRepository(req: SyncRequest): Promise<SyncReport> {
  const progress = () => req.onProgress?.({ tagsDone: run.tagsDone, tagsTotal: report.tagsMatched.length, bytesCopied: session.bytesMoved, bytesTotal: session.bytesPlanned });
  const run = new SyncRun(req, progress);
  const report = run.report;
  const session = await SyncSession.open(req, progress);
  // The report's counters are the session's, read when the run ends.
  const finish = (): SyncReport => Object.assign(report, { requests: session.requests, rateLimitWaits: session.rateLimitWaits });
  if (session.platformFilter) report.indexMode = session.indexMode;
  try {
    const listed = await session.listBoth((upstreamTags) => {
      report.listingComplete = true;
      report.upstreamTags = upstreamTags;
      const selected = session.selectTags(upstreamTags);
      const only = req.onlyTags && new Set(req.onlyTags);
      report.tagsMatched = only ? selected.filter((tag) => only.has(tag)) : selected;
    });
    if (!listed) return { ...finish(), cancelled: true };
    const { upstreamTags, targetTags } = listed;
    // The listing has shown whether the target asks a token service: if it does, ask it whether we may push.
    await session.assertMayPush();
    // A caller that must know what the run would add (a quota) is told from the same listings, before the first write.
    if (req.beforeWrite) await req.beforeWrite({ bytes: (await planCopies(session, listed, report.tagsMatched, { trustLedger: true })).totals.bytes });
    session.images.targetEmpty = session.blobs.targetEmpty = targetTags.length === 0;

    for (const tag of report.tagsMatched) run.wanted.add(tag);
    progress();
    const context = tagSyncContext(session, upstreamTags, targetTags);
    const tagLimit = new ConcurrencyLimit(req.tagConcurrency ?? DEFAULT_TAG_CONCURRENCY);
    await Promise.all(report.tagsMatched.map((tag) => tagLimit.run(() => syncTag(session, run, context, tag))));
    await run.settled();
    if (req.signal?.aborted) {
      report.cancelled = true;
      return finish();
    }
    // Every tag was looked at on the target, none taken on the ledger's word: drift is repaired as of the run's start.
    if (report.tagsTrustedFromLedger === 0 && !req.onlyTags) req.ledger?.markTargetChecked(context.runStartedAt);

    if (req.rollback && run.hasFailures()) {
      await rollBack(session, run);
      await run.settled();
      return finish();
    }
    // A targeted run wants only its few tags: every other target tag is outside what it may judge.
    if (req.onlyTags) {
      await run.settled();
      return finish();
    }
    const plan = planRemoval(targetTags, run.wanted, run.keptDigests, req.tagDeletion ?? QUAY_TAG_DELETION);
    if (plan.kind === 'refused') report.deletionRefused = { wouldDelete: plan.wouldDelete, allowed: plan.allowed };
    else await removeTags(session, run, plan.tags, context.targetTags);
    await run.settled();
    return finish();
  } finally {
    await req.ledger?.flush();
    await session.close();
  }
}
