import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { recordBlobCopied, recordRegistryRequest, recordRegistryRetry } from '@ferry/metrics';
import { DEFAULT_RETRY_POLICY, isRetryableStatus } from '@ferry/registry-client';

/** The fields of undici's request object that its diagnostics channels publish (undici's docs/api/DiagnosticsChannel.md). */
interface UndiciRequest {
  origin?: string | URL;
  method: string;
  path: string;
}

/** A request for the same method and URL within this long after a transient failure of it is its retry (the retry policy's longest wait, and some). */
const RETRY_WINDOW_MS = DEFAULT_RETRY_POLICY.maxDelayMs + 5_000;
const BLOB_UPLOAD = /^\/v2\/(.+)\/blobs\/uploads\//;
/** Failed in the TLS handshake: no HTTP exchange (the registry client's scheme probe of a plain-http registry ends so), and not retried. */
const TLS_FAILURE = /^ERR_(SSL|TLS)_|CERT|SELF_SIGNED|UNABLE_TO_/;

/** Per run: when each request (method and URL) last failed transiently, so a retry is told from another run's request for the same URL. */
type FailureLog = Map<string, number>;
const runs = new AsyncLocalStorage<FailureLog>();

/** Runs one run's work with its own record of failed requests (see {@link meterRegistryRequests}). */
export function meterRun<T>(work: () => Promise<T>): Promise<T> {
  return runs.run(new Map(), work);
}

function hostOf(origin: string | URL | undefined): string {
  try {
    return origin === undefined ? 'unknown' : new URL(String(origin)).host;
  } catch {
    return 'unknown';
  }
}

/**
 * What the target accepted as a copied blob: the PUT that completes an upload (`?digest=`, 201)
 * or a cross-repository mount (`POST ?mount=&from=<another repository>`, 201). A mount from the
 * repository itself is the engine asking whether the blob is already there, not a copy.
 */
function blobCopy(request: UndiciRequest, status: number): 'uploaded' | 'mounted' | null {
  if (status !== 201) return null;
  const url = new URL(request.path, 'http://registry');
  const repository = BLOB_UPLOAD.exec(url.pathname)?.[1];
  if (repository === undefined) return null;
  if (request.method === 'PUT' && url.searchParams.has('digest')) return 'uploaded';
  const from = url.searchParams.get('from');
  if (request.method === 'POST' && url.searchParams.has('mount') && from !== null && from !== repository) return 'mounted';
  return null;
}

/**
 * Counts the sync-worker's registry traffic from undici's diagnostics channels, which see every
 * request the registry client sends (through any dispatcher, redirects included) with its answer's
 * status: the engine's callbacks name requests but not their answers. Nothing else in the worker
 * speaks HTTP through undici (readiness probes use node:http). Returns the unsubscribe.
 *
 * A retry is recognised as a request for the same method and URL as one of the same run (see
 * {@link meterRun}) that failed transiently (a retryable status, or no answer) within the retry
 * policy's longest wait: the client sends its retries that way; a re-sent upload (a new session)
 * is a new request, not counted as a retry. A failed TLS handshake is not counted at all.
 */
export function meterRegistryRequests(targetRegistryUrl: string): () => void {
  const target = new URL(targetRegistryUrl).host;
  /** Outside any run (nothing sends there today): one record for all. */
  const outside: FailureLog = new Map();
  /** The run each request was sent for: answers arrive in the connection's context, not the run's. */
  const runOf = new WeakMap<object, FailureLog>();
  /** Requests already counted with their status (an error can still come mid-body). */
  const answered = new WeakSet<object>();
  const keyOf = (request: UndiciRequest) => `${request.method} ${String(request.origin)}${request.path}`;
  const failed = (request: UndiciRequest) => {
    const log = runOf.get(request) ?? outside;
    log.set(keyOf(request), Date.now());
    if (log.size > 1_000) for (const [key, at] of log) if (Date.now() - at > RETRY_WINDOW_MS) log.delete(key);
  };

  const onCreate = (message: unknown) => {
    const { request } = message as { request: UndiciRequest };
    const log = runs.getStore() ?? outside;
    runOf.set(request, log);
    const key = keyOf(request);
    const at = log.get(key);
    if (at === undefined) return;
    log.delete(key);
    if (Date.now() - at <= RETRY_WINDOW_MS) recordRegistryRetry(hostOf(request.origin));
  };
  const onHeaders = (message: unknown) => {
    const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
    const host = hostOf(request.origin);
    answered.add(request);
    recordRegistryRequest(host, request.method, response.statusCode);
    if (isRetryableStatus(response.statusCode)) failed(request);
    if (host === target) {
      const copied = blobCopy(request, response.statusCode);
      if (copied) recordBlobCopied(copied);
    }
  };
  const onError = (message: unknown) => {
    const { request, error } = message as { request: UndiciRequest; error: Error & { code?: string } };
    if (TLS_FAILURE.test(error?.code ?? '')) return;
    if (!answered.has(request)) recordRegistryRequest(hostOf(request.origin), request.method, 'error');
    // A cancelled run's requests are aborted, and not tried again.
    if (error?.name !== 'AbortError') failed(request);
  };
  subscribe('undici:request:create', onCreate);
  subscribe('undici:request:headers', onHeaders);
  subscribe('undici:request:error', onError);
  return () => {
    unsubscribe('undici:request:create', onCreate);
    unsubscribe('undici:request:headers', onHeaders);
    unsubscribe('undici:request:error', onError);
  };
}
