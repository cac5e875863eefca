/**
 * Quay's failure categories (`_map_failure_to_reason` in Quay's workers/repomirrorworker), from
 * Ferry's stable error codes instead of Quay's matching of message text.
 */
const REASONS: ReadonlyArray<[RegExp, string]> = [
  [/^UPSTREAM_NOT_ALLOWED$/, 'invalid_source_registry'],
  [/UNAUTHORIZED|DENIED|FORBIDDEN|ROBOT_NOT_FOUND/, 'auth_failed'],
  [/TIMEOUT/, 'network_timeout'],
  [/UNREACHABLE|UNAVAILABLE/, 'connection_error'],
  [/NOT_FOUND|_UNKNOWN$/, 'not_found'],
  [/TLS/, 'tls_error'],
  // Ferry's: the namespace's hard quota limit refused the run.
  [/^QUOTA_EXCEEDED$/, 'quota_exceeded'],
];

export function quayFailureReason(code: string | null | undefined): string {
  if (!code) return 'unknown_error';
  return REASONS.find(([pattern]) => pattern.test(code))?.[1] ?? 'unknown_error';
}

/** Quay's `quay_repository_mirror_last_sync_status`: 0 failed, 1 succeeded, 2 in progress. */
export function quaySyncStatusValue(status: string): number | null {
  switch (status) {
    case 'SUCCESS':
      return 1;
    case 'FAIL':
    case 'CANCEL':
      return 0;
    case 'SYNCING':
    case 'SYNC_NOW':
      return 2;
    default:
      return null;
  }
}
