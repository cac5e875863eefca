/**
 * A run-level failure: the upstream is unreachable or refused us, the listing failed, the
 * upstream is not allowed (SSRF). `code` is stable, `retryable` says whether a later run may
 * succeed, the message is fit for a user and never holds a secret.
 */
export class SyncError extends Error {
  override readonly name = 'SyncError';
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    opts: { cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
  }
}
