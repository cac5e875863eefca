export { backoffCeiling, backoffDelay, fullJitterDelay, type BackoffPolicy, type BackoffCurve } from './backoff-policy';
export { withRetries, type RetryOptions } from './with-retries';
export { parseRetryAfterMs } from './retry-after';
