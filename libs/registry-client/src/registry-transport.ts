import type { Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import { setMaxListeners } from 'node:events';
import { parseRetryAfterMs, type BackoffPolicy } from '@ferry/backoff';
import { sendRequest } from './undici-parts';
import { networkError } from './network-error';
import { RateLimitGate, type SharedRateLimit } from './rate-limit-gate';
import { RegistryError, RegistryErrorCode, errorFromResponse } from './registry-error';
import { DEFAULT_RETRY_POLICY, withRetries } from './retry-policy';
import type { SchemeMemory } from './scheme-memory';
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
  /** With `auto`: what earlier clients found the host to speak (a worker's, kept from run to run). */
  schemes?: SchemeMemory;
  dispatcher: Dispatcher;
  credentials?: RegistryCredentials;
  /** Per-request timeout (headers, and idle time while a body streams). */
  timeoutMs?: number;
  retry?: BackoffPolicy;
  /** Aborts every request of this client: cancel. */
  signal?: AbortSignal;
  /** Called for every HTTP request sent, token requests included (for counting and logs). */
  onRequest?: (method: string, url: string) => void;
  /** Called as each registry request ends, with its status and timing (for per-request spans and metrics). */
  onExchange?: (exchange: RegistryExchange) => void;
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

export type Method = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** One HTTP request to a registry and how it ended (the time to its response's headers; a body then streams). */
export interface RegistryExchange {
  method: Method;
  /** The URL, its query values other than paging and digests replaced by `REDACTED` (an upload's `_state`, a signature). */
  url: string;
  /** Null when no response came (a network failure, a timeout, a cancel). */
  status: number | null;
  /** Epoch milliseconds. */
  startedAt: number;
  durationMs: number;
  /** Why the request failed, as a stable code: the RegistryError's, for a network failure or a status the caller did not expect. */
  errorCode?: string;
}

/** Query parameters whose values say nothing secret: paging, digests, mounts. */
const PLAIN_QUERY_PARAMS = new Set(['n', 'last', 'digest', 'mount', 'from', 'artifactType']);

/** `url` for a log line or a span: no user info, and query values other than {@link PLAIN_QUERY_PARAMS} redacted. */
export function redactedUrl(url: URL): string {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  for (const key of new Set(copy.searchParams.keys())) if (!PLAIN_QUERY_PARAMS.has(key)) copy.searchParams.set(key, 'REDACTED');
  return copy.toString();
}

export interface SendOptions {
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

export function pullScope(repo: string): string {
  return `repository:${repo}:pull`;
}
export function pushScope(repo: string): string {
  return `repository:${repo}:pull,push`;
}

/**
 * The HTTP side of one registry: the scheme (probed once with `auto`), auth (anonymous, Basic,
 * Bearer tokens per scope, renewed on a 401), the Docker Hub rate-limit gate, timeouts, cancel,
 * retries with backoff and jitter for transient failures, and errors with stable codes. The
 * resources (tags, manifests, blobs, referrers) are requests built on it.
 */
export class RegistryTransport {
  readonly host: string;
  private scheme: 'https' | 'http' | undefined;
  private readonly auth: TokenAuthenticator;
  readonly timeoutMs: number;
  private readonly retry: BackoffPolicy;
  private schemeProbe: Promise<void> | undefined;
  /** The scheme came from `schemes`: a failure to connect makes the next client probe again. */
  private schemeRemembered = false;
  private readonly rateLimit: RateLimitGate;

  constructor(private readonly opts: RegistryClientOptions) {
    this.host = opts.host;
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
   * A failure of one of this client's requests, or of a body it is streaming (a blob), as a
   * {@link RegistryError}: cancel, timeout, TLS, or an unreachable host.
   */
  asRegistryError(error: unknown, what: string): RegistryError {
    return networkError(error, what, { aborted: this.opts.signal?.aborted ?? false, timeoutMs: this.timeoutMs, host: this.host });
  }

  /** With scheme `auto`, settles https vs http with the first request (GET /v2/), unless `schemes` knows. */
  private async ensureScheme(): Promise<void> {
    if (this.scheme) return;
    const remembered = this.opts.schemes?.get(this.host);
    if (remembered) {
      this.scheme = remembered;
      this.schemeRemembered = true;
      return;
    }
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
      this.opts.schemes?.set(this.host, this.scheme);
    })();
    await this.schemeProbe;
  }

  /** One request, renewing the token once on a 401; not retried. */
  async sendOnce(o: SendOptions): Promise<Dispatcher.ResponseData> {
    await this.ensureScheme();
    const url = new URL(o.path, this.baseUrl);
    let authorization = await this.auth.headerFor(o.scope);
    for (let authAttempt = 0; ; authAttempt++) {
      // Docker Hub budgets manifest GETs only.
      const release = o.method === 'GET' && url.pathname.includes('/manifests/') ? await this.rateLimit.acquire(this.opts.signal) : undefined;
      this.opts.onRequest?.(o.method, url.toString());
      const startedAt = Date.now();
      const ended = (status: number | null, errorCode?: string) =>
        this.opts.onExchange?.({ method: o.method, url: redactedUrl(url), status, startedAt, durationMs: Date.now() - startedAt, ...(errorCode ? { errorCode } : {}) });
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
        const failure = this.asRegistryError(error, o.what);
        if (this.schemeRemembered && failure.status === undefined) this.opts.schemes?.forget(this.host);
        ended(null, failure.code);
        throw failure;
      }
      this.rateLimit.observe(res.headers);
      release?.();
      if (res.statusCode === 401 && authAttempt === 0) {
        ended(401);
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
        const failure = errorFromResponse(res.statusCode, text, o.what, parseRetryAfterMs(res.headers['retry-after']));
        // A TLS server answers plain HTTP with a 400: the host has moved to https since it was probed.
        if (this.schemeRemembered && this.scheme === 'http' && res.statusCode === 400) this.opts.schemes?.forget(this.host);
        ended(res.statusCode, failure.code);
        throw failure;
      }
      ended(res.statusCode);
      return res;
    }
  }

  /** Sends with retries of transient failures (not for streamed bodies, which cannot be replayed). */
  send(o: SendOptions): Promise<Dispatcher.ResponseData> {
    const replayable = o.body === undefined || typeof o.body === 'string' || Buffer.isBuffer(o.body);
    if (!replayable) return this.sendOnce(o);
    return this.withRetries(() => this.sendOnce(o));
  }

  /** Runs an operation with this client's retry policy (for callers that replay a stream themselves). */
  withRetries<T>(operation: () => Promise<T>): Promise<T> {
    return withRetries(this.retry, operation, { signal: this.opts.signal, onRetry: this.opts.onRetry });
  }

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
}
