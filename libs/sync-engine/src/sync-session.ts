import type { Dispatcher } from 'undici';
import { compileTagRule } from '@ferry/mirror';
import {
  DEFAULT_MANIFEST_LIMITS,
  RegistryClient,
  RegistryError,
  assertUpstreamAllowed,
  createRegistryDispatcher,
  parseRepositoryReference,
  type Descriptor,
  type DispatcherOptions,
  type ManifestBytes,
  type ManifestHead,
  type ManifestLimits,
  type RegistryExchange,
} from '@ferry/registry-client';
import { TrustVerifier } from '@ferry/trust-policy';
import { BlobCopier } from './blob-copier';
import { ImageCopier } from './image-copier';
import { compilePlatformFilter } from './platform-filter';
import { SyncError } from './sync-error';
import {
  DEFAULT_BLOB_CONCURRENCY,
  DEFAULT_CHUNK_SIZE_BYTES,
  DEFAULT_CHUNKED_THRESHOLD_BYTES,
  DEFAULT_CONNECTIONS_PER_HOST,
} from './sync-defaults';
import type { IndexMode, SyncRequest } from './sync-request';

/** A registry-level failure of the run (not of one tag), with what was being done. */
export function runError(error: unknown, what: string): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof RegistryError) return new SyncError(error.code, `${what}: ${error.message}`, error.retryable, { cause: error });
  return new SyncError('INTERNAL', `${what}: ${error instanceof Error ? error.message : String(error)}`, false, { cause: error });
}

/**
 * Both registries of one run, opened once: their connection pools and clients, the copiers that
 * move manifests and blobs between them, and what the run learns about them on the way (request
 * counts, rate-limit waits, whether each side has a referrers API).
 */
export class SyncSession {
  readonly upstream: RegistryClient;
  readonly upstreamRepo: string;
  readonly target: RegistryClient;
  readonly targetRepo: string;
  readonly limits: ManifestLimits;
  readonly platformFilter: ((d: Descriptor) => boolean) | null;
  readonly indexMode: IndexMode;
  readonly blobs: BlobCopier;
  readonly images: ImageCopier;
  /** The request's trust policy made ready (keys parsed, trusted root read), or null when the run does not verify. */
  readonly verifier: TrustVerifier | null;
  readonly requests = { upstream: 0, target: 0 };
  rateLimitWaits = 0;
  /** Blob bytes moved so far. */
  bytesMoved = 0;
  /** Blob bytes the run knows it must move: the blobs of the manifests read so far, less those the target holds. */
  bytesPlanned = 0;
  /**
   * What a plan before the first write (`planCopies`) read upstream: each tag's head and the
   * manifests by digest, which the copy then uses instead of asking again (the same digests the
   * plan counted, and no second manifest GET against an upstream's pull limit).
   */
  readonly planned = { heads: new Map<string, ManifestHead>(), manifests: new Map<string, ManifestBytes>() };
  /** What `close` does with each dispatcher: give it back to the request's pool, or close it. */
  private readonly dispatcherEnds: Array<() => Promise<void>> = [];
  private referrersApi: boolean | undefined;
  private referrersProbe: Promise<unknown> | undefined;
  private targetReferrersApi: Promise<boolean> | undefined;

  private constructor(
    readonly req: SyncRequest,
    upstreamHost: string,
    upstreamRepo: string,
    /** Called as blob bytes move, or the bytes planned change. */
    onBytes: () => void,
  ) {
    const targetUrl = new URL(req.target.registryUrl);
    const timeoutMs = Math.max(1, req.timeoutSeconds) * 1000;
    const connections = req.connectionsPerHost ?? DEFAULT_CONNECTIONS_PER_HOST;
    this.upstreamRepo = upstreamRepo;
    this.targetRepo = req.target.repository;
    this.limits = { ...DEFAULT_MANIFEST_LIMITS, ...(req.limits ?? {}) };
    const upstreamDispatcher = this.dispatcher({
      verifyTls: req.upstream.verifyTls,
      caBundle: req.upstream.caBundle,
      proxy: req.upstream.proxy,
      connectionsPerHost: connections,
      addressGuard: { allowedHosts: req.ssrfAllowedHosts },
    });
    const targetDispatcher = this.dispatcher({
      verifyTls: req.target.verifyTls ?? true,
      caBundle: req.target.caBundle,
      proxy: req.target.proxy,
      connectionsPerHost: connections,
    });
    this.upstream = new RegistryClient({
      host: upstreamHost,
      scheme: req.upstream.verifyTls ? 'https' : 'auto',
      ...(req.dispatchers ? { schemes: req.dispatchers.schemes } : {}),
      dispatcher: upstreamDispatcher,
      credentials: req.upstream.username ? { username: req.upstream.username, password: req.upstream.password ?? '' } : undefined,
      timeoutMs,
      retry: req.retry,
      signal: req.signal,
      rateLimitPauseMs: (req.rateLimitPauseSeconds ?? 60) * 1000,
      ...(req.upstreamRateLimit ? { sharedRateLimit: req.upstreamRateLimit } : {}),
      onRateLimited: () => void this.rateLimitWaits++,
      onRequest: (method, url) => {
        this.requests.upstream++;
        req.onRequest?.('upstream', method, url);
      },
      ...(req.onExchange ? { onExchange: (e: RegistryExchange) => req.onExchange!('upstream', e) } : {}),
    });
    this.target = new RegistryClient({
      host: targetUrl.host,
      scheme: targetUrl.protocol === 'http:' ? 'http' : 'https',
      dispatcher: targetDispatcher,
      credentials: req.target.username ? { username: req.target.username, password: req.target.password ?? '' } : undefined,
      timeoutMs,
      retry: req.retry,
      signal: req.signal,
      onRequest: (method, url) => {
        this.requests.target++;
        req.onRequest?.('target', method, url);
      },
      ...(req.onExchange ? { onExchange: (e: RegistryExchange) => req.onExchange!('target', e) } : {}),
    });
    this.blobs = new BlobCopier({
      upstream: this.upstream,
      upstreamRepo,
      target: this.target,
      targetRepo: this.targetRepo,
      concurrency: req.blobConcurrency ?? DEFAULT_BLOB_CONCURRENCY,
      mountFrom: req.mountFrom ?? [],
      chunkedThresholdBytes: req.chunkedUploadThresholdBytes ?? DEFAULT_CHUNKED_THRESHOLD_BYTES,
      chunkSizeBytes: req.chunkSizeBytes ?? DEFAULT_CHUNK_SIZE_BYTES,
      onBytes: (n) => {
        this.bytesMoved += n;
        onBytes();
      },
      onPlanned: (delta) => {
        this.bytesPlanned += delta;
        onBytes();
      },
      ...(req.onBlob ? { onBlob: req.onBlob } : {}),
    });
    this.verifier = req.trustPolicy ? new TrustVerifier(req.trustPolicy) : null;
    this.platformFilter = compilePlatformFilter(req.architectureFilter);
    this.indexMode = req.indexMode ?? 'rewrite';
    this.images = new ImageCopier({
      upstream: this.upstream,
      upstreamRepo,
      target: this.target,
      targetRepo: this.targetRepo,
      blobs: this.blobs,
      limits: this.limits,
      platformFilter: this.platformFilter,
      indexMode: this.indexMode,
    });
  }

  /** Checks the upstream is one Ferry may reach, then opens both registries. */
  static async open(req: SyncRequest, onBytes: () => void = () => undefined): Promise<SyncSession> {
    try {
      const ref = parseRepositoryReference(req.upstream.reference);
      await assertUpstreamAllowed(req.upstream.reference, req.ssrfAllowedHosts);
      return new SyncSession(req, ref.host, ref.repository, onBytes);
    } catch (error) {
      throw runError(error, 'upstream refused');
    }
  }

  /** The upstream tags the request's rule selects (keep-newest by first-seen reads the request's record). */
  selectTags(upstreamTags: readonly string[]): string[] {
    const record = this.req.tagsFirstSeen;
    return compileTagRule(this.req.tagRule, record ? { firstSeen: (tag) => record[tag] } : {})(upstreamTags);
  }

  /** The upstream's referrers of `digest`, or null when it has no referrers API (asked once per run, not once per tag). */
  async upstreamReferrers(digest: string): Promise<Descriptor[] | null> {
    if (this.referrersApi === undefined && this.referrersProbe) await this.referrersProbe.catch(() => undefined);
    // What an earlier run with the same connection pool found (see `DispatcherPool.withoutReferrersApi`).
    if (this.referrersApi === undefined && this.req.dispatchers?.withoutReferrersApi.get(this.upstream.host)) this.referrersApi = false;
    if (this.referrersApi === false) return null;
    const asking = this.upstream.listReferrers(this.upstreamRepo, digest);
    if (this.referrersApi === undefined) this.referrersProbe ??= asking;
    const referrers = await asking;
    this.referrersApi = referrers !== null;
    if (!this.referrersApi) this.req.dispatchers?.withoutReferrersApi.set(this.upstream.host, true);
    return referrers;
  }

  /** Whether the target indexes referrers itself (asked once per run). */
  targetHasReferrersApi(digest: string): Promise<boolean> {
    return (this.targetReferrersApi ??= this.target.listReferrers(this.targetRepo, digest).then((r) => r !== null));
  }

  /**
   * A target that asks a token service (Ferry's, for a mirror's robot) is asked first whether these
   * credentials may push: if not, the run fails before it writes anything, naming who was refused.
   */
  async assertMayPush(): Promise<void> {
    const username = this.req.target.username;
    if (!username) return;
    let granted: string[] | null;
    try {
      granted = await this.target.grantedActions(this.targetRepo, ['pull', 'push']);
    } catch (error) {
      throw runError(error, `checking that ${username} may push to the target ${this.target.host}/${this.targetRepo}`);
    }
    if (granted !== null && !granted.includes('push')) {
      throw new SyncError('TARGET_PUSH_DENIED', `the target ${this.target.host} grants ${username} no push on ${this.targetRepo}: it needs write on the repository (and, for a mirrored one, to be the mirror's robot)`, false);
    }
  }

  /** The upstream's tags alone (a connection check); a registry's failure already names the listing, and is passed on as it is. */
  async listUpstream(onListed: (tags: string[]) => void = () => undefined): Promise<string[]> {
    try {
      const tags = (await this.upstream.listTags(this.upstreamRepo))!;
      onListed(tags);
      return tags;
    } catch (error) {
      throw error instanceof RegistryError ? error : runError(error, `listing tags of ${this.upstream.host}/${this.upstreamRepo}`);
    }
  }

  /**
   * Both listings at once (waiting for one before asking for the other adds a round trip to
   * every run): the upstream's tags, and the target's (empty when the repository does not exist).
   * A cancel resolves with null.
   */
  async listBoth(onUpstreamListed: (tags: string[]) => void): Promise<{ upstreamTags: string[]; targetTags: string[] } | null> {
    const signal = this.req.signal;
    const targetListing = this.target.listTags(this.targetRepo, { missingOk: true });
    targetListing.catch(() => undefined);
    let upstreamTags: string[];
    try {
      upstreamTags = (await this.upstream.listTags(this.upstreamRepo))!;
    } catch (error) {
      if (signal?.aborted) return null;
      throw runError(error, `listing tags of ${this.upstream.host}/${this.upstreamRepo}`);
    }
    onUpstreamListed(upstreamTags);
    let targetTags: string[];
    try {
      targetTags = (await targetListing) ?? [];
    } catch (error) {
      if (signal?.aborted) return null;
      // Refused even a listing: say so in terms of pushing, which is what the run is for.
      if (this.req.target.username && error instanceof RegistryError && (error.status === 401 || error.status === 403)) await this.assertMayPush();
      throw runError(error, `listing tags of the target ${this.target.host}/${this.targetRepo}`);
    }
    return { upstreamTags, targetTags };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.dispatcherEnds.map((end) => end()));
  }

  /** A dispatcher from the request's pool (given back at the end), or the run's own (closed at the end). */
  private dispatcher(options: DispatcherOptions): Dispatcher {
    if (this.req.dispatchers) {
      const lent = this.req.dispatchers.lend(options);
      this.dispatcherEnds.push(async () => lent.release());
      return lent.dispatcher;
    }
    const own = createRegistryDispatcher(options);
    this.dispatcherEnds.push(() => own.close());
    return own;
  }
}
