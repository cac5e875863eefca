import { compileTagRule } from '@ferry/mirror';
import {
  DEFAULT_MANIFEST_LIMITS,
  RegistryClient,
  RegistryError,
  assertUpstreamAllowed,
  createRegistryDispatcher,
  isIndexMediaType,
  parseManifest,
  parseRepositoryReference,
  ManifestMediaType,
  type Descriptor,
  type ManifestHead,
  type ManifestLimits,
} from '@ferry/registry-client';
import { BlobCopier } from './blob-copier';
import { ConcurrencyLimit } from './concurrency-limit';
import { ImageCopier } from './image-copier';
import { compilePlatformFilter } from './platform-filter';
import { SyncError } from './sync-error';
import {
  DEFAULT_BLOB_CONCURRENCY,
  DEFAULT_CHUNK_SIZE_BYTES,
  DEFAULT_CHUNKED_THRESHOLD_BYTES,
  DEFAULT_CONNECTIONS_PER_HOST,
  DEFAULT_TAG_CONCURRENCY,
} from './sync-defaults';
import type { SyncReport, SyncRequest, TagResult } from './sync-request';
import { TagRemover } from './tag-remover';
import { copyProfile } from './target-ledger';

const SIGNATURE_SUFFIXES = ['.sig', '.att', '.sbom'] as const;

/** cosign's tag for an artifact about `digest`: `sha256-<hex><suffix>`; the OCI fallback tag when suffix is ''. */
function digestTag(digest: string, suffix: string): string {
  return `${digest.replace(':', '-')}${suffix}`;
}

/** A tag's failure as its result records it; an unexpected error may pass, so a later run tries again. */
function describe(error: unknown): { error: { code: string; message: string }; retryable: boolean } {
  if (error instanceof RegistryError || error instanceof SyncError) return { error: { code: error.code, message: error.message }, retryable: error.retryable };
  return { error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) }, retryable: true };
}

/**
 * A target that asks a token service (Ferry's, for a mirror's robot) is asked first whether these
 * credentials may push: if not, the run fails before it writes anything, naming who was refused.
 */
async function assertMayPush(target: RegistryClient, repo: string, username: string): Promise<void> {
  let granted: string[] | null;
  try {
    granted = await target.grantedActions(repo, ['pull', 'push']);
  } catch (error) {
    throw runError(error, `checking that ${username} may push to the target ${target.host}/${repo}`);
  }
  if (granted !== null && !granted.includes('push')) {
    throw new SyncError('TARGET_PUSH_DENIED', `the target ${target.host} grants ${username} no push on ${repo}: it needs write on the repository (and, for a mirrored one, to be the mirror's robot)`, false);
  }
}

function runError(error: unknown, what: string): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof RegistryError) return new SyncError(error.code, `${what}: ${error.message}`, error.retryable, { cause: error });
  return new SyncError('INTERNAL', `${what}: ${error instanceof Error ? error.message : String(error)}`, false, { cause: error });
}

/**
 * One sync run of one upstream repository into one target repository: list the upstream tags
 * (every page), select them with the mirror's patterns, copy each selected tag that differs from
 * the target (tags and blobs in parallel, unchanged tags skipped after a HEAD), then — only after
 * a complete listing, never after a cancel — remove target tags that are no longer selected.
 *
 * Tag-level failures are reported in the results; run-level failures (upstream not allowed or
 * unreachable, credentials refused, listing failed) throw a {@link SyncError}. A cancel (the
 * signal) aborts in-flight requests and resolves with `cancelled: true`.
 */
export async function syncRepository(req: SyncRequest): Promise<SyncReport> {
  let upstreamRef;
  try {
    upstreamRef = parseRepositoryReference(req.upstream.reference);
    await assertUpstreamAllowed(req.upstream.reference, req.ssrfAllowedHosts);
  } catch (error) {
    throw runError(error, 'upstream refused');
  }
  const targetUrl = new URL(req.target.registryUrl);
  const targetRepo = req.target.repository;
  const signal = req.signal;
  const timeoutMs = Math.max(1, req.timeoutSeconds) * 1000;
  const limits = { ...DEFAULT_MANIFEST_LIMITS, ...(req.limits ?? {}) };
  const requests = { upstream: 0, target: 0 };
  let rateLimitWaits = 0;
  const connections = req.connectionsPerHost ?? DEFAULT_CONNECTIONS_PER_HOST;

  const upstreamDispatcher = createRegistryDispatcher({
    verifyTls: req.upstream.verifyTls,
    caBundle: req.upstream.caBundle,
    proxy: req.upstream.proxy,
    connectionsPerHost: connections,
    addressGuard: { allowedHosts: req.ssrfAllowedHosts },
  });
  const targetDispatcher = createRegistryDispatcher({
    verifyTls: req.target.verifyTls ?? true,
    caBundle: req.target.caBundle,
    proxy: req.target.proxy,
    connectionsPerHost: connections,
  });
  const upstream = new RegistryClient({
    host: upstreamRef.host,
    scheme: req.upstream.verifyTls ? 'https' : 'auto',
    dispatcher: upstreamDispatcher,
    credentials: req.upstream.username ? { username: req.upstream.username, password: req.upstream.password ?? '' } : undefined,
    timeoutMs,
    retry: req.retry,
    signal,
    rateLimitPauseMs: (req.rateLimitPauseSeconds ?? 60) * 1000,
    ...(req.upstreamRateLimit ? { sharedRateLimit: req.upstreamRateLimit } : {}),
    onRateLimited: () => {
      rateLimitWaits++;
      report.rateLimitWaits = rateLimitWaits;
    },
    onRequest: (method, url) => {
      requests.upstream++;
      req.onRequest?.('upstream', method, url);
    },
  });
  const target = new RegistryClient({
    host: targetUrl.host,
    scheme: targetUrl.protocol === 'http:' ? 'http' : 'https',
    dispatcher: targetDispatcher,
    credentials: req.target.username ? { username: req.target.username, password: req.target.password ?? '' } : undefined,
    timeoutMs,
    retry: req.retry,
    signal,
    onRequest: (method, url) => {
      requests.target++;
      req.onRequest?.('target', method, url);
    },
  });

  let bytesMoved = 0;
  let tagsDone = 0;
  const report: SyncReport = {
    tagsMatched: [],
    results: [],
    listingComplete: false,
    bytesCopied: 0,
    cancelled: false,
    indexMode: null,
    rolledBack: [],
    requests,
    tagsTrustedFromLedger: 0,
  };
  const blobs = new BlobCopier({
    upstream,
    upstreamRepo: upstreamRef.repository,
    target,
    targetRepo,
    concurrency: req.blobConcurrency ?? DEFAULT_BLOB_CONCURRENCY,
    mountFrom: req.mountFrom ?? [],
    chunkedThresholdBytes: req.chunkedUploadThresholdBytes ?? DEFAULT_CHUNKED_THRESHOLD_BYTES,
    chunkSizeBytes: req.chunkSizeBytes ?? DEFAULT_CHUNK_SIZE_BYTES,
    onBytes: (n) => {
      bytesMoved += n;
      req.onProgress?.({ tagsDone, tagsTotal: report.tagsMatched.length, bytesCopied: bytesMoved });
    },
  });
  const platformFilter = compilePlatformFilter(req.architectureFilter);
  const indexMode = req.indexMode ?? 'rewrite';
  if (platformFilter) report.indexMode = indexMode;
  const images = new ImageCopier({
    upstream,
    upstreamRepo: upstreamRef.repository,
    target,
    targetRepo,
    blobs,
    limits,
    platformFilter,
    indexMode,
  });
  const ledger = req.ledger;
  const profile = copyProfile(req);
  const runStartedAt = new Date().toISOString();

  try {
    // ---- listing: run-level failures ---------------------------------------------------------
    let upstreamTags: string[];
    let targetTags: string[];
    // Both listings at once: the target's is not needed before the upstream's is complete, but
    // waiting for one before asking for the other adds a round trip to every run.
    const targetListing = target.listTags(targetRepo, { missingOk: true });
    targetListing.catch(() => undefined);
    try {
      upstreamTags = (await upstream.listTags(upstreamRef.repository))!;
    } catch (error) {
      if (signal?.aborted) return { ...report, cancelled: true };
      throw runError(error, `listing tags of ${upstreamRef.host}/${upstreamRef.repository}`);
    }
    report.listingComplete = true;
    const upstreamTagSet = new Set(upstreamTags);
    report.tagsMatched = compileTagRule(req.tagRule)(upstreamTags);
    try {
      targetTags = (await targetListing) ?? [];
    } catch (error) {
      if (signal?.aborted) return { ...report, cancelled: true };
      // Refused even a listing: say so in terms of pushing, which is what the run is for.
      if (req.target.username && error instanceof RegistryError && (error.status === 401 || error.status === 403)) await assertMayPush(target, targetRepo, req.target.username);
      throw runError(error, `listing tags of the target ${targetUrl.host}/${targetRepo}`);
    }
    // The listing has shown whether the target asks a token service: if it does, ask it whether we may push.
    if (req.target.username) await assertMayPush(target, targetRepo, req.target.username);
    const targetTagSet = new Set(targetTags);
    images.targetEmpty = blobs.targetEmpty = targetTags.length === 0;

    // ---- copying: tag-level failures ---------------------------------------------------------
    const wanted = new Set<string>(report.tagsMatched);
    /** What each wanted tag holds on the target after the run, for the removal step. */
    const kept = new Map<string, { digest: string; mediaType: string; children: string[] | null }>();
    /** Tag → digest it held before this run changed it (null: it did not exist), for rollback. */
    const changed = new Map<string, string | null>();
    /** Upstream and target digests of the tags kept, whose companion tags must survive the removal step. */
    const keptDigests = new Set<string>();
    let resultChain: Promise<void> = Promise.resolve();
    const emit = (r: TagResult): Promise<void> => {
      report.results.push(r);
      if (r.kind === 'synced') report.bytesCopied += r.bytesCopied;
      if (r.kind !== 'rolled-back') tagsDone++;
      resultChain = resultChain.then(() => req.onTagResult?.(r));
      return resultChain;
    };
    let referrersApi: boolean | undefined;
    let referrersProbe: Promise<unknown> | undefined;
    /** The upstream's referrers of `digest`, or null when it has no referrers API (asked once per run, not once per tag). */
    const upstreamReferrers = async (digest: string) => {
      if (referrersApi === undefined && referrersProbe) await referrersProbe.catch(() => undefined);
      if (referrersApi === false) return null;
      const asking = upstream.listReferrers(upstreamRef.repository, digest);
      if (referrersApi === undefined) referrersProbe ??= asking;
      const referrers = await asking;
      referrersApi = referrers !== null;
      return referrers;
    };
    let targetReferrersApi: Promise<boolean> | undefined;
    /** Whether the target indexes referrers itself (asked once per run). */
    const targetHasReferrersApi = (digest: string): Promise<boolean> =>
      (targetReferrersApi ??= target.listReferrers(targetRepo, digest).then((r) => r !== null));
    const tagLimit = new ConcurrencyLimit(req.tagConcurrency ?? DEFAULT_TAG_CONCURRENCY);

    const syncTag = async (tag: string, extra: boolean): Promise<void> => {
      if (signal?.aborted) return;
      req.onTagStart?.(tag);
      let upHead: ManifestHead | null;
      try {
        // A tag the target lacks (by its listing) is fetched at once: the GET gives the digest a HEAD would.
        const fetched = !targetTagSet.has(tag) ? await upstream.getManifest(upstreamRef.repository, tag, { maxBytes: limits.maxManifestBytes }) : null;
        upHead = fetched ?? (await upstream.headManifest(upstreamRef.repository, tag));
        if (!upHead) throw new RegistryError('MANIFEST_UNKNOWN', `upstream tag ${tag} disappeared after the listing`);
        if (upHead.size > limits.maxManifestBytes) {
          throw new RegistryError('MANIFEST_TOO_LARGE', `manifest of ${upHead.size} bytes exceeds the limit of ${limits.maxManifestBytes}`);
        }
        if (!extra && req.unsignedImages === false && !upstreamTagSet.has(digestTag(upHead.digest, '.sig'))) {
          const referrers = await upstreamReferrers(upHead.digest);
          if (!referrers?.length) throw new RegistryError('UNSIGNED_IMAGE', `tag ${tag} carries no signature and unsigned images are refused`);
        }
        const recorded = req.verifyTarget ? undefined : ledger?.get(tag);
        let result: { digest: string; mediaType: string; bytesCopied: number; unchanged: boolean; children: string[] | null };
        if (recorded && recorded.source === upHead.digest && recorded.profile === profile && targetTagSet.has(tag)) {
          report.tagsTrustedFromLedger++;
          result = { digest: recorded.target, mediaType: upHead.mediaType, bytesCopied: 0, unchanged: true, children: null };
        } else {
          const tgtHead = fetched ? null : await target.headManifest(targetRepo, tag);
          // A filtered index is rewritten into other bytes: the target holding the upstream's own
          // digest (copied before the filter was set) is then not the result; copyTag decides.
          const rewritesIndex = platformFilter !== null && indexMode === 'rewrite' && isIndexMediaType(upHead.mediaType);
          if (!rewritesIndex && tgtHead?.digest === upHead.digest) {
            result = { digest: upHead.digest, mediaType: upHead.mediaType, bytesCopied: 0, unchanged: true, children: null };
          } else {
            const copied = await images.copyTag(fetched ?? upHead.digest, tag, tgtHead?.digest ?? null);
            if (!copied.unchanged) changed.set(tag, tgtHead?.digest ?? null);
            result = { ...copied, children: copied.children };
            // Referrers of a newly copied image; an unchanged one had them copied before.
            if (!copied.unchanged && req.copyReferrers !== false) {
              const referrers = await upstreamReferrers(upHead.digest);
              for (const r of referrers ?? []) await images.copyChild(r);
              if (referrers?.length && !(await targetHasReferrersApi(upHead.digest))) {
                // OCI distribution 1.1: where the registry does not index `subject`, the client keeps
                // the referrers in an index tagged sha256-<digest> (the tag schema).
                const fallback = digestTag(upHead.digest, '');
                wanted.add(fallback);
                await writeReferrersTag(target, targetRepo, fallback, referrers, limits);
              }
            }
          }
        }
        ledger?.set(tag, { source: upHead.digest, target: result.digest, profile });
        keptDigests.add(upHead.digest).add(result.digest);
        kept.set(tag, { digest: result.digest, mediaType: result.mediaType, children: result.children });
        await emit({
          kind: 'synced',
          tag,
          digest: result.digest,
          sourceDigest: upHead.digest,
          copyProfile: profile,
          mediaType: result.mediaType,
          bytesCopied: result.bytesCopied,
          unchanged: result.unchanged,
        });
      } catch (error) {
        if (signal?.aborted) return;
        wanted.add(tag);
        await emit({ kind: 'failed', tag, ...describe(error) });
        return;
      }
      if (extra) return;
      // Signatures, attestations, SBOMs (cosign tags) and the OCI referrers fallback tag travel with the image.
      const companions: string[] = [];
      if (req.copySignatures !== false) companions.push(...SIGNATURE_SUFFIXES.map((s) => digestTag(upHead.digest, s)));
      if (req.copyReferrers !== false) companions.push(digestTag(upHead.digest, ''));
      for (const companion of companions) {
        if (!upstreamTagSet.has(companion) || wanted.has(companion)) continue;
        wanted.add(companion);
        await syncTag(companion, true);
      }
    };

    await Promise.all(report.tagsMatched.map((tag) => tagLimit.run(() => syncTag(tag, false))));
    await resultChain;
    if (signal?.aborted) {
      report.cancelled = true;
      return report;
    }
    // Every tag was looked at on the target, none taken on the ledger's word: drift is repaired as of the run's start.
    if (report.tagsTrustedFromLedger === 0) ledger?.markTargetChecked(runStartedAt);

    const failed = report.results.some((r) => r.kind === 'failed');
    if (failed && req.rollback) {
      await rollBack(target, targetRepo, changed, kept, ledger, emit);
      await resultChain;
      report.rolledBack = report.results.flatMap((r) => (r.kind === 'rolled-back' ? [r.tag] : []));
      return report;
    }

    // ---- removal: only after a complete listing, never after a cancel ------------------------
    if (req.deleteUnmatched !== false) {
      // Signatures and referrer indexes of the images kept stay with them, copied this run or not.
      for (const digest of keptDigests) {
        for (const suffix of ['', ...SIGNATURE_SUFFIXES]) wanted.add(digestTag(digest, suffix));
      }
      const doomed = targetTags.filter((t) => !wanted.has(t));
      if (doomed.length > 0) {
        const heads = new Map<string, string>();
        for (const tag of doomed) {
          const head = await target.headManifest(targetRepo, tag);
          if (head) heads.set(tag, head.digest);
          else await emit({ kind: 'deleted', tag, digest: null });
        }
        const keep = new Set<string>();
        for (const [tag, k] of kept) {
          keep.add(k.digest);
          if (k.children) for (const c of k.children) keep.add(c);
          else if (isIndexMediaType(k.mediaType)) {
            const m = await target.getManifest(targetRepo, k.digest, { maxBytes: limits.maxManifestBytes });
            for (const c of parseManifest(m.bytes, m.mediaType, limits).manifests) keep.add(c.digest);
          }
          void tag;
        }
        // Failed tags keep whatever they hold on the target.
        for (const r of report.results) {
          if (r.kind !== 'failed' || !targetTagSet.has(r.tag)) continue;
          const head = await target.headManifest(targetRepo, r.tag);
          if (head) keep.add(head.digest);
        }
        const remover = new TagRemover(target, targetRepo);
        for (const { tag, digest } of await remover.remove(heads, keep)) {
          ledger?.delete(tag);
          await emit({ kind: 'deleted', tag, digest });
        }
      }
    }
    await resultChain;
    return report;
  } finally {
    await ledger?.flush();
    await Promise.allSettled([upstreamDispatcher.close(), targetDispatcher.close()]);
  }
}

/** Adds referrers to the tag-schema index `tag` on the target (creating it), keeping the entries it already lists. */
async function writeReferrersTag(target: RegistryClient, repo: string, tag: string, referrers: Descriptor[], limits: ManifestLimits): Promise<void> {
  let manifests: Descriptor[] = [];
  const existing = await target.headManifest(repo, tag);
  if (existing) {
    const m = await target.getManifest(repo, tag, { maxBytes: limits.maxManifestBytes });
    manifests = parseManifest(m.bytes, m.mediaType, limits).manifests;
  }
  const known = new Set(manifests.map((d) => d.digest));
  const added = referrers.filter((d) => !known.has(d.digest));
  if (added.length === 0) return;
  const index = { schemaVersion: 2, mediaType: ManifestMediaType.OciIndex, manifests: [...manifests, ...added] };
  await target.putManifest(repo, tag, Buffer.from(JSON.stringify(index)), ManifestMediaType.OciIndex);
}

/** Puts every tag this run changed back to the digest it held before (or removes it if new), reporting each. */
async function rollBack(
  target: RegistryClient,
  repo: string,
  changed: Map<string, string | null>,
  kept: Map<string, { digest: string }>,
  ledger: SyncRequest['ledger'],
  emit: (r: TagResult) => Promise<void>,
): Promise<void> {
  const created = new Map<string, string>();
  for (const [tag, previous] of changed) {
    if (previous === null) {
      const now = kept.get(tag);
      if (now) created.set(tag, now.digest);
      continue;
    }
    // The old manifest is still in the repository (untagged), so its exact bytes can be re-tagged.
    const m = await target.getManifest(repo, previous);
    await target.putManifest(repo, tag, m.bytes, m.mediaType);
    ledger?.delete(tag);
    await emit({ kind: 'rolled-back', tag, digest: previous, mediaType: m.mediaType });
  }
  if (created.size > 0) {
    const keep = new Set<string>();
    for (const [tag, k] of kept) if (!created.has(tag)) keep.add(k.digest);
    const remover = new TagRemover(target, repo);
    for (const { tag } of await remover.remove(created, keep)) {
      ledger?.delete(tag);
      await emit({ kind: 'rolled-back', tag, digest: null, mediaType: null });
    }
  }
}
