import { Agent, request, type Dispatcher } from 'undici';
import { parseRetryAfterMs } from '@ferry/backoff';
import type { DeliveryResult } from './delivery-result';
import { DeliveryErrorCode, NotificationDeliveryError } from './notification-errors';
import { guardedLookup, parseReceiverUrl } from './receiver-url.guard';

/** Default time one delivery attempt may take, connection to last response byte. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;

const USER_AGENT = 'Ferry-Notifier/1';
/** Enough of an error body to say why (Slack answers `invalid_payload`, `no_service`, ...). */
const MAX_REASON_CHARS = 200;

/** Options shared by the HTTP senders. */
export interface HttpSendOptions {
  /** Milliseconds before the attempt is abandoned as `RECEIVER_TIMEOUT`. */
  timeoutMs?: number;
  /** The undici dispatcher to send through; `createReceiverAgent()` builds the guarded one. */
  dispatcher?: Dispatcher;
  /** Cancels the attempt (e.g. notifier shutdown); reported like a timeout, retryable. */
  signal?: AbortSignal;
}

/**
 * An undici agent whose sockets only dial receivers that pass the address guard: every address
 * a name resolves to is checked when the connection is made. Redirects are never followed, so a
 * 3xx cannot bounce a delivery into the private network. The notifier makes one at boot and
 * hands it to every delivery.
 */
export function createReceiverAgent(allowedHosts: readonly string[], options: { connectTimeoutMs?: number } = {}): Agent {
  return new Agent({
    connect: { lookup: guardedLookup(allowedHosts), timeout: options.connectTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS },
    keepAliveTimeout: 4_000,
  });
}

/** Classifies an HTTP status: 2xx delivered; 4xx but 408/429 permanent; anything else transient. */
export function isPermanentHttpStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

function findCause(err: unknown, predicate: (e: unknown) => boolean): unknown {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (predicate(e)) return e;
  }
  return undefined;
}

/**
 * POSTs a JSON body and classifies the answer. Never throws for what the receiver or the network
 * did, nor for a malformed URL; every such failure comes back as `{ ok: false, error }`. Error
 * messages name only the URL's host: its path may be a bearer secret (Slack).
 */
export async function postJson(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  options: HttpSendOptions,
): Promise<DeliveryResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    url = parseReceiverUrl(rawUrl);
  } catch (err) {
    if (err instanceof NotificationDeliveryError) return { ok: false, statusCode: null, durationMs: elapsed(), error: err };
    throw err;
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('timeout')), timeoutMs);
  const onCallerAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const host = url.host;

  try {
    const response = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
      signal: controller.signal,
      dispatcher: options.dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const status = response.statusCode;
    if (status >= 200 && status < 300) {
      await response.body.dump();
      return { ok: true, statusCode: status, durationMs: elapsed() };
    }
    const text = (await response.body.text().catch(() => '')).trim().slice(0, MAX_REASON_CHARS);
    const reason = text ? `: ${text.replace(/\s+/g, ' ')}` : '';
    const permanent = isPermanentHttpStatus(status);
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfterMs(response.headers['retry-after']) : undefined;
    return {
      ok: false,
      statusCode: status,
      durationMs: elapsed(),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      error: new NotificationDeliveryError(
        permanent ? DeliveryErrorCode.ReceiverRejected : DeliveryErrorCode.ReceiverUnavailable,
        `receiver ${host} answered ${status}${reason}`,
        { retryable: !permanent, statusCode: status },
      ),
    };
  } catch (err) {
    const refused = findCause(err, (e) => e instanceof NotificationDeliveryError) as NotificationDeliveryError | undefined;
    if (refused) return { ok: false, statusCode: null, durationMs: elapsed(), error: refused };
    const timedOut =
      controller.signal.aborted ||
      findCause(err, (e) => {
        const code = (e as { code?: unknown }).code;
        return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
      }) !== undefined;
    return {
      ok: false,
      statusCode: null,
      durationMs: elapsed(),
      error: timedOut
        ? new NotificationDeliveryError(DeliveryErrorCode.ReceiverTimeout, options.signal?.aborted
            ? `delivery to receiver ${host} was cancelled`
            : `receiver ${host} did not answer within ${timeoutMs} ms`, {
            retryable: true,
            cause: err,
          })
        : new NotificationDeliveryError(
            DeliveryErrorCode.ReceiverUnreachable,
            `receiver ${host} is unreachable: ${(err as { code?: string }).code ?? (err as Error).name}`,
            { retryable: true, cause: err },
          ),
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}
