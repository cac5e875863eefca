import type { Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { sendRequest } from './undici-parts';
import { RateLimitGate, type SharedRateLimit } from './rate-limit-gate';
import type { Descriptor } from './manifest-document';
import { MANIFEST_ACCEPT } from './media-types';
import { RegistryError, RegistryErrorCode, errorFromResponse } from './registry-error';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, withRetries, type RetryPolicy } from './retry-policy';
import { TokenAuthenticator, type RegistryCredentials } from './token-authenticator';

/** Options of one {@link RegistryClient}: one registry host, one set of credentials. */
export interface RegistryClientOptions {
  /** `host[:port]`. */
  host: string;
  /**
   * `https` (the default), `http`, or `auto`: try https and fall back to plain http when the host
   * does not speak TLS, as skopeo does with `--tls-verify=false`.
   */
  scheme?: 'https' | 'http' | 'auto';
  dispatcher: Dispatcher;
  credentials?: RegistryCredentials;
  /** Per-request timeout (headers, and idle time while a body streams). */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Aborts every request of this client: cancel. */
  signal?: AbortSignal;
  /** Called for every HTTP request sent, token requests included (for counting and logs). */
  onRequest?: (method: string, url: string) => void;
  /** Called before each retry wait. */
  onRetry?: (error: RegistryError, attempt: number, delayMs: number) => void;
  /**
   * Pause before each manifest GET once the registry reports `RateLimit-Remaining: 0` (Docker
   * Hub); default 60 s. See {@link RateLimitGate}.
   */
  rateLimitPauseMs?: number;
  /** Called when a request waits because the rate-limit budget is spent. */
  onRateLimited?: (waitMs: number) => void;
  /** The budget this client shares with others pulling from the same registry account. */
  sharedRateLimit?: SharedRateLimit;
}

/** A manifest's identity as a HEAD returns it. */
export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

/** A manifest as stored: the exact bytes, never re-serialized. */
export interface ManifestBytes extends ManifestHead {
  bytes: Buffer;
}

type Method = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

interface SendOptions {
  method: Method;
  /** Path with query, or an absolute URL (upload locations, Link pages). */
  path: string;
  scope: string;
  headers?: Record<string, string>;
  /** A Buffer can be resent on retry; a stream cannot, so a request with one is not retried. */
  body?: Buffer | string | Readable | AsyncIterable<Uint8Array>;
  /** Statuses that count as success; others become errors. */
  ok: number[];
  what: string;
}

function pullScope(repo: string): string {
  return `repository:${repo}:pull`;
}
function pushScope(repo: string): string {
  return `repository:${repo}:pull,push`;
}

/** Node's codes for a certificate that does not verify: permanent until the configuration changes. */
const TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function networkCode(error: unknown): string | undefined {
  const e = error as { code?: string; name?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code ?? e?.name;
}

/**
 * A client of one registry's OCI distribution API on undici: auth (anonymous, Basic, Bearer
 * tokens per scope), retries with backoff and jitter for transient failures, timeouts, cancel,
 * and errors with stable codes. Manifests travel as exact bytes; blobs as streams.
 */
export class RegistryClient {
  readonly host: string;
  private scheme: 'https' | 'http' | undefined;
  private readonly auto: boolean;
  private readonly auth: TokenAuthenticator;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private schemeProbe: Promise<void> | undefined;
  private readonly rateLimit: RateLimitGate;

  constructor(private readonly opts: RegistryClientOptions) {
    this.host = opts.host;
    this.auto = opts.scheme === 'auto';
    this.scheme = opts.scheme === 'auto' ? undefined : (opts.scheme ?? 'https');
    this.timeoutMs = opts.timeoutMs ?? 300_000;
    this.retry = opts.retry ?? DEFAULT_RETRY_POLICY;
    this.rateLimit = new RateLimitGate(opts.rateLimitPauseMs ?? 60_000, opts.onRateLimited, opts.sharedRateLimit);
    // Every request in flight listens to the cancel signal: dozens at once is expected, not a leak.
    if (opts.signal) setMaxListeners(0, opts.signal);
    this.auth = new TokenAuthenticator(opts.credentials, opts.dispatcher, {
      timeoutMs: this.timeoutMs,
      signal: opts.signal,
      onRequest: opts.onRequest,
    });
  }

  /** `scheme://host`, once known. */
  get baseUrl(): string {
    return `${this.scheme ?? 'https'}://${this.host}`;
  }

  /**
   * A failure of one of this client's requests, or of a body it is streaming (a blob from
   * {@link getBlob}), as a {@link RegistryError}: cancel, timeout, TLS, or an unreachable host.
   */
  asRegistryError(error: unknown, what: string): RegistryError {
    if (error instanceof RegistryError) return error;
    if (this.opts.signal?.aborted) return new RegistryError(RegistryErrorCode.Cancelled, `${what} was cancelled`, { cause: error });
    const code = networkCode(error);
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new RegistryError(RegistryErrorCode.Timeout, `${what} timed out after ${Math.round(this.timeoutMs / 1000)} s`, { retryable: true, cause: error });
    }
    if (code && TLS_VERIFY_CODES.has(code)) {
      return new RegistryError(
        RegistryErrorCode.TlsVerificationFailed,
        `${what}: the certificate of ${this.host} is not trusted (${code}); add its CA bundle or set verify_tls false`,
        { cause: error },
      );
    }
    if (code === 'AbortError') return new RegistryError(RegistryErrorCode.Cancelled, `${what} was aborted`, { cause: error });
    if (code === 'DIGEST_MISMATCH') return new RegistryError(RegistryErrorCode.DigestMismatch, `${what}: ${(error as Error).message}`, { retryable: true, cause: error });
    const detail = code ? ` (${code})` : '';
    return new RegistryError(RegistryErrorCode.Unreachable, `${what}: ${this.host} is unreachable${detail}`, { retryable: true, cause: error });
  }

  /** With scheme `auto`, settles https vs http with the first request (GET /v2/). */
  private async ensureScheme(): Promise<void> {
    if (this.scheme) return;
    this.schemeProbe ??= (async () => {
      try {
        const res = await sendRequest(this.opts.dispatcher, {
          origin: `https://${this.host}`,
          path: '/v2/',
          method: 'GET',
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
          signal: this.opts.signal,
        });
        await res.body.dump();
        // Counted only when it was an HTTP exchange; a failed TLS handshake is not a request.
        this.opts.onRequest?.('GET', `https://${this.host}/v2/`);
        this.scheme = 'https';
      } catch (error) {
        if (this.opts.signal?.aborted) throw this.asRegistryError(error, 'probe');
        this.scheme = 'http';
      }
    })();
    await this.schemeProbe;
  }

  private async sendOnce(o: SendOptions): Promise<Dispatcher.ResponseData> {
    await this.ensureScheme();
    const url = new URL(o.path, this.baseUrl);
    let authorization = await this.auth.headerFor(o.scope);
    for (let authAttempt = 0; ; authAttempt++) {
      // Docker Hub budgets manifest GETs only.
      const release = o.method === 'GET' && url.pathname.includes('/manifests/') ? await this.rateLimit.acquire(this.opts.signal) : undefined;
      this.opts.onRequest?.(o.method, url.toString());
      let res: Dispatcher.ResponseData;
      try {
        res = await sendRequest(this.opts.dispatcher, {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: o.method,
          // undici closes the connection after every HEAD unless told otherwise (for servers that
          // send a body with HEAD); registries do not, and a new connection per HEAD doubled the
          // cost of a no-op sync.
          reset: false,
          headers: { ...(o.headers ?? {}), ...(authorization ? { authorization } : {}) },
          // undici streams an async iterable body (its type declarations leave that case out).
          body: o.body as Dispatcher.RequestOptions['body'],
          // The operation timeout: undici fails a request whose headers, or whose next body bytes,
          // take longer than this (a per-request AbortSignal.timeout cost more than the HEAD itself).
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
          signal: this.opts.signal,
        });
      } catch (error) {
        release?.();
        throw this.asRegistryError(error, o.what);
      }
      this.rateLimit.observe(res.headers);
      release?.();
      if (res.statusCode === 401 && authAttempt === 0) {
        await res.body.dump();
        const challenge = res.headers['www-authenticate'];
        const next = await this.auth.onUnauthorized(Array.isArray(challenge) ? challenge[0] : challenge, o.scope, authorization);
        if (next === undefined) throw errorFromResponse(401, '', o.what);
        if (o.body !== undefined && typeof o.body !== 'string' && !Buffer.isBuffer(o.body)) {
          // A stream cannot be sent again from here: the token is renewed, and the caller, who
          // can reopen the stream, replays the transfer (the error is retryable for that reason).
          throw new RegistryError(RegistryErrorCode.Unauthorized, `${o.what}: the token expired mid-transfer`, { status: 401, retryable: true });
        }
        authorization = next;
        continue;
      }
      if (!o.ok.includes(res.statusCode)) {
        const text = o.method === 'HEAD' ? '' : await res.body.text().catch(() => '');
        if (o.method === 'HEAD') await res.body.dump();
        throw errorFromResponse(res.statusCode, text, o.what, parseRetryAfter(res.headers['retry-after']));
      }
      return res;
    }
  }

  /** Sends with retries of transient failures (not for streamed bodies, which cannot be replayed). */
  private send(o: SendOptions): Promise<Dispatcher.ResponseData> {
    const replayable = o.body === undefined || typeof o.body === 'string' || Buffer.isBuffer(o.body);
    if (!replayable) return this.sendOnce(o);
    return withRetries(this.retry, () => this.sendOnce(o), { signal: this.opts.signal, onRetry: this.opts.onRetry });
  }

  /** Runs an operation with this client's retry policy (for callers that replay a stream themselves). */
  withRetries<T>(operation: () => Promise<T>): Promise<T> {
    return withRetries(this.retry, operation, { signal: this.opts.signal, onRetry: this.opts.onRetry });
  }

  /**
   * Every tag of a repository, following `Link` pagination to the end. `null` when the repository
   * does not exist (NAME_UNKNOWN) and `missingOk` is set.
   */
  /**
   * The actions on `repo` the registry's token service grants these credentials, read from the
   * token's `access` claim (the distribution spec's token format), so a writer learns it may not
   * write before writing anything. It asks the token service only (the registry's challenge must
   * have been seen, e.g. by a listing), and the token it gets is the one later pushes use. Null
   * when that cannot be known without trying: the registry has not asked for bearer tokens (it is
   * open, or asks for Basic), or its tokens are opaque.
   */
  async grantedActions(repo: string, actions: readonly string[]): Promise<string[] | null> {
    const scope = `repository:${repo}:${actions.join(',')}`;
    const header = await this.auth.headerFor(scope);
    if (!header?.startsWith('Bearer ')) return null;
    try {
      const claims = JSON.parse(Buffer.from(header.slice(7).split('.')[1] ?? '', 'base64url').toString('utf8')) as { access?: { type?: string; name?: string; actions?: string[] }[] };
      if (!Array.isArray(claims.access)) return null;
      return claims.access.filter((a) => a.type === 'repository' && a.name === repo).flatMap((a) => a.actions ?? []);
    } catch {
      return null;
    }
  }

  async listTags(repo: string, opts: { pageSize?: number; missingOk?: boolean } = {}): Promise<string[] | null> {
    const tags: string[] = [];
    let next: string | null = `/v2/${repo}/tags/list?n=${opts.pageSize ?? 1000}`;
    let pages = 0;
    while (next) {
      let res: Dispatcher.ResponseData;
      try {
        res = await this.send({ method: 'GET', path: next, scope: pullScope(repo), ok: [200], what: `listing tags of ${this.host}/${repo}` });
      } catch (error) {
        if (opts.missingOk && pages === 0 && error instanceof RegistryError && (error.code === 'NAME_UNKNOWN' || error.code === 'NOT_FOUND')) return null;
        throw error;
      }
      pages++;
      const body = (await res.body.json()) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      const link = res.headers['link'];
      const m = typeof link === 'string' ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
      next = m ? new URL(m[1]!, this.baseUrl).toString() : null;
    }
    return tags;
  }

  /** HEAD of a manifest by tag or digest; null when unknown. */
  async headManifest(repo: string, reference: string): Promise<ManifestHead | null> {
    try {
      const res = await this.send({
        method: 'HEAD',
        path: `/v2/${repo}/manifests/${reference}`,
        scope: pullScope(repo),
        headers: { accept: MANIFEST_ACCEPT },
        ok: [200],
        what: `HEAD manifest ${this.host}/${repo}:${reference}`,
      });
      await res.body.dump();
      const digest = res.headers['docker-content-digest'];
      if (typeof digest !== 'string') return null;
      return { digest, mediaType: String(res.headers['content-type'] ?? ''), size: Number(res.headers['content-length'] ?? 0) };
    } catch (error) {
      if (error instanceof RegistryError && (error.status === 404 || error.code === 'MANIFEST_UNKNOWN')) return null;
      throw error;
    }
  }

  /**
   * GET of a manifest: the exact bytes, refused above `maxBytes`, and checked against the digest
   * when the reference is one.
   */
  async getManifest(repo: string, reference: string, opts: { maxBytes?: number } = {}): Promise<ManifestBytes> {
    const maxBytes = opts.maxBytes ?? 10 * 1024 * 1024;
    const what = `GET manifest ${this.host}/${repo}:${reference}`;
    return this.withRetries(async () => {
      const res = await this.sendOnce({
        method: 'GET',
        path: `/v2/${repo}/manifests/${reference}`,
        scope: pullScope(repo),
        headers: { accept: MANIFEST_ACCEPT },
        ok: [200],
        what,
      });
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > maxBytes) {
        res.body.on('error', () => {});
        res.body.destroy();
        throw new RegistryError(RegistryErrorCode.ManifestTooLarge, `${what}: manifest of ${declared} bytes exceeds the limit of ${maxBytes}`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of res.body) {
          size += (chunk as Buffer).length;
          if (size > maxBytes) {
            res.body.on('error', () => {});
            res.body.destroy();
            throw new RegistryError(RegistryErrorCode.ManifestTooLarge, `${what}: manifest exceeds the limit of ${maxBytes} bytes`);
          }
          chunks.push(chunk as Buffer);
        }
      } catch (error) {
        throw this.asRegistryError(error, what);
      }
      const bytes = Buffer.concat(chunks);
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      if (reference.startsWith('sha256:') && digest !== reference) {
        throw new RegistryError(RegistryErrorCode.DigestMismatch, `${what}: content has digest ${digest}`, { retryable: true });
      }
      const mediaType = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
      return { bytes, digest, mediaType, size: bytes.length };
    });
  }

  /** Pushes manifest bytes as they are under a tag or digest; returns the digest the registry computed. */
  async putManifest(repo: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    const res = await this.send({
      method: 'PUT',
      path: `/v2/${repo}/manifests/${reference}`,
      scope: pushScope(repo),
      headers: { 'content-type': mediaType },
      body: bytes,
      ok: [201],
      what: `PUT manifest ${this.host}/${repo}:${reference}`,
    });
    await res.body.dump();
    const digest = res.headers['docker-content-digest'];
    return typeof digest === 'string' ? digest : `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  }

  /** Deletes a manifest by digest (registry 2.8 takes every tag pointing at it along). */
  async deleteManifest(repo: string, digest: string): Promise<void> {
    const res = await this.send({
      method: 'DELETE',
      path: `/v2/${repo}/manifests/${digest}`,
      scope: `repository:${repo}:pull,push,delete`,
      ok: [202, 200],
      what: `DELETE manifest ${this.host}/${repo}@${digest}`,
    });
    await res.body.dump();
  }

  /** The blob's size when the repository holds it, else null. */
  async headBlob(repo: string, digest: string): Promise<number | null> {
    try {
      const res = await this.send({ method: 'HEAD', path: `/v2/${repo}/blobs/${digest}`, scope: pullScope(repo), ok: [200], what: `HEAD blob ${this.host}/${repo}@${digest}` });
      await res.body.dump();
      return Number(res.headers['content-length'] ?? 0);
    } catch (error) {
      if (error instanceof RegistryError && (error.status === 404 || error.code === 'BLOB_UNKNOWN')) return null;
      throw error;
    }
  }

  /** Opens a blob for streaming (not retried here: the caller replays the whole copy). */
  async getBlob(repo: string, digest: string): Promise<{ body: Readable; size: number }> {
    const res = await this.sendOnce({
      method: 'GET',
      path: `/v2/${repo}/blobs/${digest}`,
      scope: pullScope(repo),
      ok: [200],
      what: `GET blob ${this.host}/${repo}@${digest}`,
    });
    return { body: res.body, size: Number(res.headers['content-length'] ?? -1) };
  }

  /**
   * Asks the registry to mount a blob from another repository it holds (or from `repo` itself:
   * then a 201 means "already here", making this an existence check that opens the upload
   * session in the same round trip when the blob is missing). Returns `{ mounted: true }`
   * or, when it cannot, the upload session it opened instead (usable for a normal upload).
   */
  async mountBlob(repo: string, digest: string, fromRepo: string): Promise<{ mounted: true } | { mounted: false; location: string }> {
    const res = await this.send({
      method: 'POST',
      path: `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(fromRepo)}`,
      scope: fromRepo === repo ? pushScope(repo) : `${pushScope(repo)} ${pullScope(fromRepo)}`,
      ok: [201, 202],
      what: `mount blob ${digest} into ${this.host}/${repo}`,
    });
    await res.body.dump();
    if (res.statusCode === 201) return { mounted: true };
    return { mounted: false, location: String(res.headers['location']) };
  }

  /** Opens an upload session; returns its location. */
  async startUpload(repo: string): Promise<string> {
    const res = await this.send({ method: 'POST', path: `/v2/${repo}/blobs/uploads/`, scope: pushScope(repo), ok: [202], what: `start upload to ${this.host}/${repo}` });
    await res.body.dump();
    return String(res.headers['location']);
  }

  private withDigest(location: string, digest: string): string {
    const url = new URL(location, this.baseUrl);
    url.searchParams.set('digest', digest);
    return url.toString();
  }

  /**
   * Completes an upload in one PUT carrying the whole body, streamed. (docker-registry 2.8 drops the
   * body of a single `POST ?digest=`, so POST + PUT is the shortest upload that works everywhere.)
   */
  async putBlob(repo: string, location: string, digest: string, size: number, body: Buffer | Readable | AsyncIterable<Uint8Array>): Promise<void> {
    const res = await this.sendOnce({
      method: 'PUT',
      path: this.withDigest(location, digest),
      scope: pushScope(repo),
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body,
      ok: [201],
      what: `upload blob ${digest} to ${this.host}/${repo}`,
    });
    await res.body.dump();
  }

  /**
   * Sends one chunk of a chunked upload (a Buffer, or a stream of exactly `length` bytes, which is
   * not retried here); returns the location for the next one.
   */
  async patchBlobChunk(repo: string, location: string, offset: number, length: number, chunk: Buffer | Readable | AsyncIterable<Uint8Array>): Promise<string> {
    const res = await this.send({
      method: 'PATCH',
      path: location,
      scope: pushScope(repo),
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(length),
        'content-range': `${offset}-${offset + length - 1}`,
      },
      body: chunk,
      ok: [202],
      what: `upload chunk at ${offset} to ${this.host}/${repo}`,
    });
    await res.body.dump();
    return String(res.headers['location']);
  }

  /** Closes a chunked upload. */
  async finishUpload(repo: string, location: string, digest: string): Promise<void> {
    const res = await this.send({
      method: 'PUT',
      path: this.withDigest(location, digest),
      scope: pushScope(repo),
      headers: { 'content-length': '0' },
      ok: [201],
      what: `finish upload of ${digest} to ${this.host}/${repo}`,
    });
    await res.body.dump();
  }

  /** The OCI referrers of a digest (an image index); null when the registry has no referrers API. */
  async listReferrers(repo: string, digest: string): Promise<Descriptor[] | null> {
    try {
      const res = await this.send({
        method: 'GET',
        path: `/v2/${repo}/referrers/${digest}`,
        scope: pullScope(repo),
        headers: { accept: 'application/vnd.oci.image.index.v1+json' },
        ok: [200],
        what: `referrers of ${this.host}/${repo}@${digest}`,
      });
      const body = (await res.body.json()) as { manifests?: Descriptor[] };
      return body.manifests ?? [];
    } catch (error) {
      if (error instanceof RegistryError && (error.status === 404 || error.status === 405 || error.status === 400)) return null;
      throw error;
    }
  }
}
