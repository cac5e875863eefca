import { RegistryError, RegistryErrorCode } from './registry-error';

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

/** What a failure is judged against: whether the caller cancelled, the timeout, and the host. */
export interface NetworkContext {
  aborted: boolean;
  timeoutMs: number;
  host: string;
}

/** A failed request, or a failed body stream, as a {@link RegistryError}: cancel, timeout, TLS, or an unreachable host. */
export function networkError(error: unknown, what: string, context: NetworkContext): RegistryError {
  if (error instanceof RegistryError) return error;
  if (context.aborted) return new RegistryError(RegistryErrorCode.Cancelled, `${what} was cancelled`, { cause: error });
  const code = networkCode(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new RegistryError(RegistryErrorCode.Timeout, `${what} timed out after ${Math.round(context.timeoutMs / 1000)} s`, { retryable: true, cause: error });
  }
  if (code && TLS_VERIFY_CODES.has(code)) {
    return new RegistryError(
      RegistryErrorCode.TlsVerificationFailed,
      `${what}: the certificate of ${context.host} is not trusted (${code}); add its CA bundle or set verify_tls false`,
      { cause: error },
    );
  }
  if (code === 'AbortError') return new RegistryError(RegistryErrorCode.Cancelled, `${what} was aborted`, { cause: error });
  if (code === 'DIGEST_MISMATCH') return new RegistryError(RegistryErrorCode.DigestMismatch, `${what}: ${(error as Error).message}`, { retryable: true, cause: error });
  const detail = code ? ` (${code})` : '';
  return new RegistryError(RegistryErrorCode.Unreachable, `${what}: ${context.host} is unreachable${detail}`, { retryable: true, cause: error });
}
