/** Ferry's own codes; OCI distribution error codes (MANIFEST_UNKNOWN, ...) pass through as received. */
export const RegistryErrorCode = {
  UpstreamNotAllowed: 'UPSTREAM_NOT_ALLOWED',
  Unreachable: 'UPSTREAM_UNREACHABLE',
  Unauthorized: 'UNAUTHORIZED',
  Denied: 'DENIED',
  NotFound: 'NOT_FOUND',
  TooManyRequests: 'TOOMANYREQUESTS',
  Unavailable: 'REGISTRY_UNAVAILABLE',
  Timeout: 'TIMEOUT',
  Cancelled: 'CANCELLED',
  DigestMismatch: 'DIGEST_MISMATCH',
  UnsupportedDigest: 'UNSUPPORTED_DIGEST',
  ManifestTooLarge: 'MANIFEST_TOO_LARGE',
  TooManyIndexEntries: 'TOO_MANY_INDEX_ENTRIES',
  ManifestInvalid: 'MANIFEST_INVALID',
  InvalidReference: 'INVALID_REFERENCE',
  UnexpectedResponse: 'UNEXPECTED_RESPONSE',
  TlsVerificationFailed: 'TLS_VERIFICATION_FAILED',
  /** A listing cursor this source did not make (or a corrupted one). */
  InvalidCursor: 'INVALID_CURSOR',
} as const;

/**
 * Every failure of the registry client. `code` is stable (an OCI error code when the registry sent
 * one); `retryable` says whether trying again later can help; messages never hold credentials.
 */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly code: string;
  readonly retryable: boolean;
  /** HTTP status, when the registry answered. */
  readonly status: number | undefined;
  /** Milliseconds the registry asked us to wait (Retry-After). */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: string,
    message: string,
    opts: { retryable?: boolean; status?: number; cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** Whether a status is worth retrying: throttling and server-side trouble, never 4xx refusals. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** Ferry's code for an HTTP status, when the answer names none of its own. */
export function codeForStatus(status: number): string {
  if (status === 401) return RegistryErrorCode.Unauthorized;
  if (status === 403) return RegistryErrorCode.Denied;
  if (status === 404) return RegistryErrorCode.NotFound;
  if (status === 429) return RegistryErrorCode.TooManyRequests;
  if (status >= 500) return RegistryErrorCode.Unavailable;
  return RegistryErrorCode.UnexpectedResponse;
}

/** Builds the error for an HTTP answer, reading the OCI `errors` body when there is one. */
export function errorFromResponse(status: number, body: string, what: string, retryAfterMs?: number): RegistryError {
  let ociCode: string | undefined;
  let ociMessage: string | undefined;
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ code?: string; message?: string }> };
    ociCode = parsed.errors?.[0]?.code;
    ociMessage = parsed.errors?.[0]?.message;
  } catch {
    // not JSON: many proxies answer with HTML
  }
  const code = ociCode ?? codeForStatus(status);
  const detail = ociMessage ? `: ${ociMessage}` : '';
  return new RegistryError(code, `${what} failed with HTTP ${status} ${code}${detail}`, {
    status,
    retryable: isRetryableStatus(status),
    retryAfterMs,
  });
}
