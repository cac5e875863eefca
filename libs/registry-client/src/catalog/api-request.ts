import type { Dispatcher } from 'undici';
import { RegistryError, RegistryErrorCode, codeForStatus } from '../registry-error';
import type { Method, RegistryTransport } from '../registry-transport';

/**
 * The product APIs (Quay, Harbor, Docker Hub) authenticate with the header their lister sends;
 * no registry token scope applies.
 */
const NO_TOKEN_SCOPE = '';

/** The body of an answer as JSON; `UNEXPECTED_RESPONSE` when it is not (a login page, a proxy's HTML). */
export async function readJson(res: Dispatcher.ResponseData, what: string): Promise<unknown> {
  const text = await res.body.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RegistryError(RegistryErrorCode.UnexpectedResponse, `${what}: the answer is not JSON`, { status: res.statusCode, cause: error });
  }
}

/** `UNEXPECTED_RESPONSE` for an answer whose JSON is not what the API documents. */
export function unexpectedShape(what: string, expected: string): RegistryError {
  return new RegistryError(RegistryErrorCode.UnexpectedResponse, `${what}: the answer is not ${expected}`);
}

export interface ApiRequest {
  method: Method;
  /** Path with query. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** What is being done, for messages: `listing the repositories of quay.example/acme`. */
  what: string;
  /** What a 404 means here: `there is no namespace acme`. */
  notFound: string;
}

/** Why a refused request was refused, for its message: never the credentials themselves. */
const REFUSAL_HINTS: Partial<Record<string, string>> = {
  [RegistryErrorCode.Unauthorized]: 'the credentials are missing, wrong or expired',
  [RegistryErrorCode.Denied]: 'the credentials may not read this namespace',
};

/**
 * One request to a product API through the registry transport (address guard, TLS, proxy,
 * timeouts, retries of 429 and 5xx): its status and JSON body. A failed answer becomes Ferry's
 * code for its status (an API's own error codes, such as Harbor's `FORBIDDEN`, are not the
 * registry codes callers compare), with what a 404 or a refusal means here.
 */
export async function requestApiJson(t: RegistryTransport, o: ApiRequest): Promise<{ body: unknown; headers: Dispatcher.ResponseData['headers'] }> {
  let res: Dispatcher.ResponseData;
  try {
    res = await t.send({ method: o.method, path: o.path, scope: NO_TOKEN_SCOPE, ok: [200], what: o.what, ...(o.headers ? { headers: o.headers } : {}), ...(o.body !== undefined ? { body: o.body } : {}) });
  } catch (error) {
    if (!(error instanceof RegistryError) || error.status === undefined) throw error;
    const code = codeForStatus(error.status);
    const hint = error.status === 404 ? o.notFound : REFUSAL_HINTS[code];
    throw new RegistryError(code, `${o.what} failed with HTTP ${error.status} ${code}${hint ? `: ${hint}` : ''}`, {
      status: error.status,
      retryable: error.retryable,
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      cause: error,
    });
  }
  return { body: await readJson(res, o.what), headers: res.headers };
}
