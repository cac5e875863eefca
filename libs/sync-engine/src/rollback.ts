import type { SyncRun } from './sync-run';
import type { SyncSession } from './sync-session';
import { deleteTagsKeeping } from './tag-removal';

/** Puts every tag this run changed back to the digest it held before (or removes it if new), reporting each. */
export async function rollBack(session: SyncSession, run: SyncRun): Promise<void> {
  const { target, targetRepo } = session;
  const ledger = session.req.ledger;
  const created = new Map<string, string>();
  for (const [tag, previous] of run.changed) {
    if (previous === null) {
      const now = run.kept.get(tag);
      if (now) created.set(tag, now.digest);
      continue;
    }
    // The old manifest is still in the repository (untagged), so its exact bytes can be re-tagged.
    const m = await target.getManifest(targetRepo, previous);
    await target.putManifest(targetRepo, tag, m.bytes, m.mediaType);
    ledger?.delete(tag);
    await run.emit({ kind: 'rolled-back', tag, digest: previous, mediaType: m.mediaType });
  }
  if (created.size > 0) {
    const keep = new Set<string>();
    for (const [tag, k] of run.kept) if (!created.has(tag)) keep.add(k.digest);
    for (const { tag } of await deleteTagsKeeping(target, targetRepo, created, keep)) {
      ledger?.delete(tag);
      await run.emit({ kind: 'rolled-back', tag, digest: null, mediaType: null });
    }
  }
  run.report.rolledBack = run.report.results.flatMap((r) => (r.kind === 'rolled-back' ? [r.tag] : []));
}
