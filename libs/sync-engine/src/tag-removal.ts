import { deleteAllowance, type TagDeletion } from '@ferry/contracts';
import { isIndexMediaType, parseManifest, type RegistryClient } from '@ferry/registry-client';
import { allCompanionTags } from './companions';
import type { KeptTag, SyncRun } from './sync-run';
import type { SyncSession } from './sync-session';

/** Which target tags a run removes, and whether the mirror's cap lets it. */
export type RemovalPlan =
  | { kind: 'remove'; tags: string[] }
  /** More tags would go than the cap allows: none are removed. */
  | { kind: 'refused'; wouldDelete: number; allowed: number };

/**
 * The target tags that go: those the run does not want, except the companions (signatures,
 * attestations, SBOMs, referrer indexes) of the images it keeps. Then the cap: a plan that
 * exceeds it deletes nothing. Pure, so the rule can be tested without a registry.
 */
export function planRemoval(targetTags: readonly string[], wanted: ReadonlySet<string>, keptDigests: Iterable<string>, deletion: TagDeletion): RemovalPlan {
  if (!deletion.enabled) return { kind: 'remove', tags: [] };
  const keep = new Set(wanted);
  for (const digest of keptDigests) for (const tag of allCompanionTags(digest)) keep.add(tag);
  const tags = targetTags.filter((t) => !keep.has(t));
  const allowed = deleteAllowance(deletion.maxDelete, targetTags.length);
  if (tags.length > allowed) return { kind: 'refused', wouldDelete: tags.length, allowed };
  return { kind: 'remove', tags };
}

/**
 * Removes the planned tags, keeping every manifest a kept tag still needs: the digests of kept
 * tags and their index entries, and what failed tags hold (a failed tag keeps its old image).
 */
export async function removeTags(session: SyncSession, run: SyncRun, tags: readonly string[], targetTags: ReadonlySet<string>): Promise<void> {
  if (tags.length === 0) return;
  const { target, targetRepo, limits } = session;
  const heads = new Map<string, string>();
  for (const tag of tags) {
    const head = await target.headManifest(targetRepo, tag);
    if (head) heads.set(tag, head.digest);
    else await run.emit({ kind: 'deleted', tag, digest: null });
  }
  const keep = new Set<string>();
  for (const kept of run.kept.values()) for (const digest of await manifestsOf(session, kept)) keep.add(digest);
  for (const r of run.report.results) {
    if (r.kind !== 'failed' || !targetTags.has(r.tag)) continue;
    const head = await target.headManifest(targetRepo, r.tag);
    if (head) keep.add(head.digest);
  }
  for (const { tag, digest } of await deleteTagsKeeping(target, targetRepo, heads, keep)) {
    session.req.ledger?.delete(tag);
    await run.emit({ kind: 'deleted', tag, digest });
  }
}

/** The manifests a kept tag needs on the target: its own and its index entries. */
async function manifestsOf(session: SyncSession, kept: KeptTag): Promise<string[]> {
  if (kept.children) return [kept.digest, ...kept.children];
  if (!isIndexMediaType(kept.mediaType)) return [kept.digest];
  const m = await session.target.getManifest(session.targetRepo, kept.digest, { maxBytes: session.limits.maxManifestBytes });
  return [kept.digest, ...parseManifest(m.bytes, m.mediaType, session.limits).manifests.map((c) => c.digest)];
}

/**
 * Deletes `tags` (tag → the digest it holds) while every digest in `keep` stays in the repository.
 * Registry 2.8 deletes manifests only by digest, taking every tag on it along, so the tags of a
 * digest that must stay are deleted one by one (the client's placeholder delete), and the others
 * with their manifest, once per digest. Returns the tags removed with the digest each held.
 */
export async function deleteTagsKeeping(target: RegistryClient, repo: string, tags: ReadonlyMap<string, string>, keep: ReadonlySet<string>): Promise<Array<{ tag: string; digest: string }>> {
  const byDigest = new Map<string, string[]>();
  for (const [tag, digest] of tags) byDigest.set(digest, [...(byDigest.get(digest) ?? []), tag]);
  const removed: Array<{ tag: string; digest: string }> = [];
  for (const [digest, group] of byDigest) {
    if (keep.has(digest)) {
      for (const tag of group) {
        await target.deleteTag(repo, tag);
        removed.push({ tag, digest });
      }
    } else {
      await target.deleteManifest(repo, digest);
      for (const tag of group) removed.push({ tag, digest });
    }
  }
  return removed;
}
