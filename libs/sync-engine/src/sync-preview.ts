import { QUAY_TAG_DELETION } from '@ferry/contracts';
import { RegistryError, isIndexMediaType, isNonDistributable, parseManifest, type Descriptor, type ManifestHead } from '@ferry/registry-client';
import { companionTags, isCompanionTag } from './companions';
import { UpstreamSignatureReader } from './signature-reader';
import { ConcurrencyLimit } from './concurrency-limit';
import { DEFAULT_TAG_CONCURRENCY } from './sync-defaults';
import type { SyncRequest } from './sync-request';
import { SyncSession } from './sync-session';
import { planRemoval } from './tag-removal';
import { copyProfile } from './target-ledger';

/** What a run would do to one tag. */
export type TagPreview =
  /** `bytes`: blob bytes the target lacks (each counted once per run, at the first tag that needs it). */
  | { tag: string; action: 'copy'; digest: string; bytes: number; companion: boolean }
  | { tag: string; action: 'unchanged'; digest: string; companion: boolean }
  /** The upstream's manifest could not be read: a run would record the tag as failed. */
  | { tag: string; action: 'fail'; error: { code: string; message: string }; companion: boolean };

/** What a run of the request would copy, leave, and delete, computed without writing anything. */
export interface SyncPreview {
  tagsMatched: string[];
  tags: TagPreview[];
  /** Target tags no longer selected: a run deletes them unless deletion is off or the cap refuses (then `totals.delete` is 0). */
  delete: string[];
  /** Set when the deletion would exceed the cap: a run would then delete nothing and fail. */
  deletionRefused: { wouldDelete: number; allowed: number } | null;
  totals: { copy: number; unchanged: number; fail: number; delete: number; bytes: number };
  /** Requests sent to each side: reads only (GET and HEAD, and token requests). */
  requests: { upstream: number; target: number };
}

/**
 * A dry run: both listings, the rule, then for each selected tag (and its companions) the
 * upstream's digest against the target's, and for a tag to copy the blobs the target lacks. It
 * sends only GET and HEAD requests, to both registries: nothing is written, and nothing is
 * trusted from a ledger (a preview looks at the target itself).
 */
export async function previewRepository(req: SyncRequest): Promise<SyncPreview> {
  const session = await SyncSession.open(req);
  try {
    let tagsMatched: string[] = [];
    const only = req.onlyTags && new Set(req.onlyTags);
    // A targeted run (its `onlyTags`) would copy only those of the selected tags, as `syncRepository` does.
    const listed = await session.listBoth((upstreamTags) => void (tagsMatched = session.selectTags(upstreamTags).filter((tag) => !only || only.has(tag))));
    if (!listed) throw new RegistryError('CANCELLED', 'the preview was cancelled');
    return { ...(await planCopies(session, listed, tagsMatched)), requests: session.requests };
  } finally {
    await session.close();
  }
}

/**
 * What a run would do with the tags it selected from both listings, read (GET and HEAD only)
 * without writing: the preview's work, and what a run asks before it writes when a caller must
 * know the bytes it would add (`SyncRequest.beforeWrite`).
 */
export async function planCopies(
  session: SyncSession,
  listed: { upstreamTags: readonly string[]; targetTags: readonly string[] },
  tagsMatched: readonly string[],
  /** A run's plan takes the request's ledger at its word, as the run itself does (a preview looks at the target). */
  { trustLedger = false }: { trustLedger?: boolean } = {},
): Promise<Omit<SyncPreview, 'requests'>> {
  const { req, upstream, upstreamRepo, target, targetRepo, limits } = session;
  const ledger = trustLedger && !req.verifyTarget ? req.ledger : undefined;
  const profile = copyProfile(req);
  const upstreamTags = new Set(listed.upstreamTags);
  const signatures = session.verifier ? new UpstreamSignatureReader(session, upstreamTags) : null;
  const targetTags = new Set(listed.targetTags);
  const wanted = new Set(tagsMatched);
  const keptDigests = new Set<string>();
  const tags: TagPreview[] = [];
  /** Blobs already counted, so a blob shared by several tags is counted once. */
  const counted = new Set<string>();

  const missingBytes = async (digest: string): Promise<number> => {
    const m = session.planned.manifests.get(digest) ?? (await upstream.getManifest(upstreamRepo, digest, { maxBytes: limits.maxManifestBytes }));
    session.planned.manifests.set(digest, m);
    const doc = parseManifest(m.bytes, m.mediaType, limits);
    let blobs: Descriptor[] = doc.blobs;
    if (doc.isIndex) {
      const children = session.platformFilter ? doc.manifests.filter(session.platformFilter) : doc.manifests;
      blobs = [];
      for (const child of children) {
        if (await target.headManifest(targetRepo, child.digest)) continue;
        const c = await upstream.getManifest(upstreamRepo, child.digest, { maxBytes: limits.maxManifestBytes });
        blobs.push(...parseManifest(c.bytes, c.mediaType, limits).blobs);
      }
    }
    let bytes = 0;
    for (const blob of blobs) {
      if (isNonDistributable(blob) || counted.has(blob.digest)) continue;
      counted.add(blob.digest);
      if ((await target.headBlob(targetRepo, blob.digest)) === null) bytes += blob.size;
    }
    return bytes;
  };

  /** Companion tags taken up with their image (under verify, the only way they travel, as in a run). */
  const taken = new Set<string>();
  const previewTag = async (tag: string, companion: boolean): Promise<void> => {
    if (!companion && session.verifier && isCompanionTag(tag)) return;
    try {
      // A tag the target lacks will be copied: its manifest is read whole at once (a GET gives the digest a HEAD would), as the run does.
      let head: ManifestHead | null;
      if (targetTags.has(tag)) head = await upstream.headManifest(upstreamRepo, tag);
      else {
        const manifest = await upstream.getManifest(upstreamRepo, tag, { maxBytes: limits.maxManifestBytes });
        session.planned.manifests.set(manifest.digest, manifest);
        head = manifest;
      }
      if (!head) throw new RegistryError('MANIFEST_UNKNOWN', `upstream tag ${tag} disappeared after the listing`);
      session.planned.heads.set(tag, head);
      keptDigests.add(head.digest);
      if (!companion && !isCompanionTag(tag) && session.verifier && signatures) {
        // A run would check the image before publishing the tag: say now which tags would not pass.
        const checked = await session.verifier.verify(head.digest, signatures, await platformDigests(session, head));
        if (checked.outcome !== 'verified') {
          wanted.add(tag);
          tags.push({ tag, action: 'fail', error: { code: checked.outcome, message: `tag ${tag}: ${checked.detail ?? checked.outcome}` }, companion });
          return;
        }
      }
      const recorded = ledger?.get(tag);
      // What the ledger vouches for is on the target, unasked: nothing to add.
      const vouched = recorded !== undefined && recorded.source === head.digest && recorded.profile === profile && targetTags.has(tag);
      const onTarget = !vouched && targetTags.has(tag) ? await target.headManifest(targetRepo, tag) : null;
      const rewritesIndex = session.platformFilter !== null && session.indexMode === 'rewrite' && isIndexMediaType(head.mediaType);
      if (vouched) {
        keptDigests.add(recorded.target);
        tags.push({ tag, action: 'unchanged', digest: head.digest, companion });
      } else if (onTarget && (onTarget.digest === head.digest || (rewritesIndex && (await isRewriteOf(session, onTarget.digest, head.digest))))) {
        keptDigests.add(onTarget.digest);
        tags.push({ tag, action: 'unchanged', digest: head.digest, companion });
      } else {
        tags.push({ tag, action: 'copy', digest: head.digest, bytes: await missingBytes(head.digest), companion });
      }
      if (companion) return;
      for (const other of companionTags(head.digest, req)) {
        if (!upstreamTags.has(other) || (session.verifier ? taken.has(other) : wanted.has(other))) continue;
        taken.add(other);
        wanted.add(other);
        await previewTag(other, true);
      }
    } catch (error) {
      if (req.signal?.aborted) throw error;
      // A failed tag keeps what it holds on the target.
      wanted.add(tag);
      const e = error instanceof RegistryError ? error : new RegistryError('INTERNAL', String((error as Error)?.message ?? error));
      tags.push({ tag, action: 'fail', error: { code: e.code, message: e.message }, companion });
    }
  };
  const limit = new ConcurrencyLimit(req.tagConcurrency ?? DEFAULT_TAG_CONCURRENCY);
  await Promise.all(tagsMatched.map((tag) => limit.run(() => previewTag(tag, false))));

  const deletion = req.tagDeletion ?? QUAY_TAG_DELETION;
  const plan = planRemoval(listed.targetTags, wanted, keptDigests, deletion);
  // Without the settings, the plan names every tag that is no longer selected.
  const doomed = planRemoval(listed.targetTags, wanted, keptDigests, { enabled: true, maxDelete: null });
  const count = (action: TagPreview['action']) => tags.filter((t) => t.action === action).length;
  const order = new Map(tagsMatched.map((t, i) => [t, i]));
  tags.sort((a, b) => (order.get(a.tag) ?? Infinity) - (order.get(b.tag) ?? Infinity) || a.tag.localeCompare(b.tag));
  return {
    tagsMatched: [...tagsMatched],
    tags,
    delete: doomed.kind === 'remove' ? doomed.tags : [],
    deletionRefused: plan.kind === 'refused' ? { wouldDelete: plan.wouldDelete, allowed: plan.allowed } : null,
    totals: {
      copy: count('copy'),
      unchanged: count('unchanged'),
      fail: count('fail'),
      delete: plan.kind === 'remove' ? plan.tags.length : 0,
      bytes: tags.reduce((sum, t) => sum + (t.action === 'copy' ? t.bytes : 0), 0),
    },
  };
}

/** Whether the target's index `targetDigest` is the filtered rewrite of the upstream's index: it lists only children of it. */
async function isRewriteOf(session: SyncSession, targetDigest: string, upstreamDigest: string): Promise<boolean> {
  const { upstream, upstreamRepo, target, targetRepo, limits } = session;
  const [up, down] = await Promise.all([
    upstream.getManifest(upstreamRepo, upstreamDigest, { maxBytes: limits.maxManifestBytes }),
    target.getManifest(targetRepo, targetDigest, { maxBytes: limits.maxManifestBytes }),
  ]);
  const upstreamChildren = parseManifest(up.bytes, up.mediaType, limits).manifests.filter(session.platformFilter ?? (() => true)).map((d) => d.digest);
  const targetChildren = parseManifest(down.bytes, down.mediaType, limits).manifests.map((d) => d.digest);
  return upstreamChildren.length === targetChildren.length && upstreamChildren.every((d, i) => d === targetChildren[i]);
}

/** The platform manifests of an index whose signatures the trust policy also requires (none otherwise). */
async function platformDigests(session: SyncSession, head: { digest: string; mediaType: string }): Promise<string[]> {
  if (!session.verifier?.policy.requirePlatformSignatures || !isIndexMediaType(head.mediaType)) return [];
  const m = await session.upstream.getManifest(session.upstreamRepo, head.digest, { maxBytes: session.limits.maxManifestBytes });
  const doc = parseManifest(m.bytes, m.mediaType, session.limits);
  return doc.isIndex ? doc.manifests.filter(session.platformFilter ?? (() => true)).map((c) => c.digest) : [];
}
