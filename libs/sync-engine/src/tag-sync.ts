import type { TagVerification } from '@ferry/contracts';
import { RegistryError, isIndexMediaType, parseManifest, type ManifestBytes, type ManifestHead } from '@ferry/registry-client';
import type { SignatureReader } from '@ferry/trust-policy';
import { companionTags, digestTag, isCompanionTag } from './companions';
import { UpstreamSignatureReader } from './signature-reader';
import { SyncError } from './sync-error';
import type { SyncRun } from './sync-run';
import type { SyncSession } from './sync-session';
import { copyProfile } from './target-ledger';

/** What the run knows when its tags are copied: both listings, and when it began. */
export interface TagSyncContext {
  upstreamTags: ReadonlySet<string>;
  targetTags: ReadonlySet<string>;
  /** The copy profile of this request (see `copyProfile`). */
  profile: string;
  /** ISO-8601: when the tags were listed (drift is repaired as of then). */
  runStartedAt: string;
  /** ISO-8601: a tag Ferry never saw before is first seen at this time. */
  seenAt: string;
  /** Where the images' signatures are read, when the run verifies them. */
  signatures: SignatureReader | null;
}

/** A tag's failure as its result records it; an unexpected error may pass, so a later run tries again. */
function describe(error: unknown): { error: { code: string; message: string }; retryable: boolean } {
  if (error instanceof RegistryError || error instanceof SyncError) return { error: { code: error.code, message: error.message }, retryable: error.retryable };
  return { error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) }, retryable: true };
}

export function tagSyncContext(session: SyncSession, upstreamTags: readonly string[], targetTags: readonly string[]): TagSyncContext {
  const runStartedAt = new Date().toISOString();
  const upstream = new Set(upstreamTags);
  return {
    upstreamTags: upstream,
    targetTags: new Set(targetTags),
    profile: copyProfile(session.req),
    runStartedAt,
    seenAt: session.req.seenAt ?? runStartedAt,
    signatures: session.verifier ? new UpstreamSignatureReader(session, upstream) : null,
  };
}

/**
 * Brings one tag to the target: the upstream's digest (a GET when the target lacks the tag, which
 * gives the digest a HEAD would), the signature policy, the ledger's word or the target's HEAD,
 * then the copy with its referrers; then the tag's companions (signatures, attestations, SBOMs,
 * the referrers fallback tag). Its result, or its failure, is emitted on the run.
 */
export function syncTag(session: SyncSession, run: SyncRun, context: TagSyncContext, tag: string, companion = false): Promise<void> {
  const { req } = session;
  if (req.signal?.aborted) return Promise.resolve();
  // A run that verifies publishes signatures, attestations and referrer indexes only with an image
  // that passed: a companion tag the rule selected waits for its image instead of going alone.
  if (!companion && session.verifier && isCompanionTag(tag)) return Promise.resolve();
  return req.aroundTag ? req.aroundTag(tag, () => syncOneTag(session, run, context, tag, companion)) : syncOneTag(session, run, context, tag, companion);
}

async function syncOneTag(session: SyncSession, run: SyncRun, context: TagSyncContext, tag: string, companion: boolean): Promise<void> {
  const { req, upstream, upstreamRepo, target, targetRepo, limits, images } = session;
  req.onTagStart?.(tag);
  let upHead: ManifestHead | null;
  try {
    // What a plan before the first write read (`SyncSession.planned`) is not asked again.
    const planned = session.planned.heads.get(tag);
    const plannedManifest = planned ? session.planned.manifests.get(planned.digest) : undefined;
    const fetched = !context.targetTags.has(tag) ? (plannedManifest ?? (await upstream.getManifest(upstreamRepo, tag, { maxBytes: limits.maxManifestBytes }))) : null;
    upHead = fetched ?? planned ?? (await upstream.headManifest(upstreamRepo, tag));
    if (!upHead) throw new RegistryError('MANIFEST_UNKNOWN', `upstream tag ${tag} disappeared after the listing`);
    if (upHead.size > limits.maxManifestBytes) {
      throw new RegistryError('MANIFEST_TOO_LARGE', `manifest of ${upHead.size} bytes exceeds the limit of ${limits.maxManifestBytes}`);
    }
    if (!companion && req.unsignedImages === false && !context.upstreamTags.has(digestTag(upHead.digest, '.sig'))) {
      const referrers = await session.upstreamReferrers(upHead.digest);
      if (!referrers?.length) throw new SyncError('UNSIGNED_IMAGE', `tag ${tag} carries no signature and unsigned images are refused`, false);
    }
    const recorded = req.verifyTarget ? undefined : req.ledger?.get(tag);
    let result: { digest: string; mediaType: string; bytesCopied: number; unchanged: boolean; children: string[] | null };
    let verification: TagVerification | undefined;
    if (recorded && recorded.source === upHead.digest && recorded.profile === context.profile && context.targetTags.has(tag)) {
      run.report.tagsTrustedFromLedger++;
      verification = recorded.verification;
      result = { digest: recorded.target, mediaType: upHead.mediaType, bytesCopied: 0, unchanged: true, children: null };
    } else {
      // Signatures, attestations and referrer indexes are what is verified, not subjects of it.
      if (!companion && !isCompanionTag(tag) && session.verifier && context.signatures) {
        // Before anything names the image on the target: a tag that fails is not written.
        verification = await verifyUpstream(session, context.signatures, upHead, fetched);
        if (verification.outcome !== 'verified') {
          await refuse(session, run, context, tag, upHead, fetched, verification);
          return;
        }
      }
      const tgtHead = fetched ? null : await target.headManifest(targetRepo, tag);
      // A filtered index is rewritten into other bytes: the target holding the upstream's own
      // digest (copied before the filter was set) is then not the result; copyTag decides.
      const rewritesIndex = session.platformFilter !== null && session.indexMode === 'rewrite' && isIndexMediaType(upHead.mediaType);
      if (!rewritesIndex && tgtHead?.digest === upHead.digest) {
        result = { digest: upHead.digest, mediaType: upHead.mediaType, bytesCopied: 0, unchanged: true, children: null };
      } else {
        const copied = await images.copyTag(fetched ?? plannedManifest ?? upHead.digest, tag, tgtHead?.digest ?? null);
        if (!copied.unchanged) run.changed.set(tag, tgtHead?.digest ?? null);
        result = copied;
        // Referrers of a newly copied image; an unchanged one had them copied before.
        if (!copied.unchanged && req.copyReferrers !== false) await copyReferrers(session, run, upHead.digest);
      }
    }
    req.ledger?.set(tag, { source: upHead.digest, target: result.digest, profile: context.profile, ...(verification ? { verification } : {}) });
    run.keep(tag, upHead.digest, { digest: result.digest, mediaType: result.mediaType, children: result.children });
    const firstSeenAt = req.tagsFirstSeen ? (req.tagsFirstSeen[tag] ?? context.seenAt) : undefined;
    await run.emit({
      kind: 'synced',
      tag,
      digest: result.digest,
      sourceDigest: upHead.digest,
      copyProfile: context.profile,
      mediaType: result.mediaType,
      bytesCopied: result.bytesCopied,
      unchanged: result.unchanged,
      ...(firstSeenAt ? { firstSeenAt } : {}),
      ...(verification ? { verification } : {}),
    });
  } catch (error) {
    if (req.signal?.aborted) return;
    run.wanted.add(tag);
    await run.emit({ kind: 'failed', tag, ...describe(error) });
    return;
  }
  if (companion) return;
  for (const other of companionTags(upHead.digest, req)) {
    if (!context.upstreamTags.has(other) || (session.verifier ? run.companionsTaken.has(other) : run.wanted.has(other))) continue;
    run.companionsTaken.add(other);
    run.wanted.add(other);
    await syncTag(session, run, context, other, true);
  }
}

async function copyReferrers(session: SyncSession, run: SyncRun, digest: string): Promise<void> {
  const referrers = await session.upstreamReferrers(digest);
  for (const r of referrers ?? []) await session.images.copyChild(r);
  if (referrers?.length && !(await session.targetHasReferrersApi(digest))) {
    // OCI distribution 1.1: where the registry does not index `subject`, the client keeps the
    // referrers in an index tagged sha256-<digest> (the tag schema).
    const fallback = digestTag(digest, '');
    run.wanted.add(fallback);
    await session.target.putReferrersTagIndex(session.targetRepo, fallback, referrers, session.limits);
  }
}

/** The policy's check of the upstream image (for an index, the index digest, and its platforms' when the policy asks). */
async function verifyUpstream(session: SyncSession, reader: SignatureReader, upHead: ManifestHead, fetched: ManifestBytes | null): Promise<TagVerification> {
  const verifier = session.verifier!;
  let children: string[] = [];
  if (verifier.policy.requirePlatformSignatures && isIndexMediaType(upHead.mediaType)) {
    const m = fetched ?? (await session.upstream.getManifest(session.upstreamRepo, upHead.digest, { maxBytes: session.limits.maxManifestBytes }));
    const doc = parseManifest(m.bytes, m.mediaType, session.limits);
    children = doc.isIndex ? doc.manifests.filter((c) => session.platformFilter?.(c) ?? true).map((c) => c.digest) : [];
  }
  return verifier.verify(upHead.digest, reader, children);
}

/**
 * A tag its image's signatures do not pass: not published. With `quarantine`, the image is kept
 * on the target under its digest only; a tag already on the target (verified under an older
 * policy) is removed only with `unpublishFailing`, and otherwise left and reported.
 */
async function refuse(session: SyncSession, run: SyncRun, context: TagSyncContext, tag: string, upHead: ManifestHead, fetched: ManifestBytes | null, verification: TagVerification): Promise<void> {
  const policy = session.verifier!.policy;
  run.wanted.add(tag);
  let recorded = verification;
  if (policy.quarantine) {
    const kept = await session.images.copyTag(fetched ?? upHead.digest, null, null);
    recorded = { ...verification, quarantined: true, detail: `${verification.detail ?? verification.outcome}; kept on the target as ${session.targetRepo}@${kept.digest} (no tag)` };
  }
  if (policy.unpublishFailing && context.targetTags.has(tag)) {
    const held = await session.target.headManifest(session.targetRepo, tag);
    await session.target.deleteTag(session.targetRepo, tag);
    await run.emit({ kind: 'deleted', tag, digest: held?.digest ?? null });
  }
  await run.emit({ kind: 'failed', tag, error: { code: verification.outcome, message: `tag ${tag}: ${recorded.detail ?? verification.outcome}` }, retryable: false, verification: recorded });
}
