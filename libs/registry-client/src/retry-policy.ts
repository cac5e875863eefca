import { backoffDelay, withRetries as retry, type BackoffPolicy } from '@ferry/backoff';
import { RegistryError, RegistryErrorCode } from './registry-error';

/** A registry's transient failures: 5 attempts in all, full jitter from 250 ms, at most 20 s. */
export const DEFAULT_RETRY_POLICY: BackoffPolicy = { maxAttempts: 5, baseMs: 250, maxMs: 20_000 };

/**
 * The wait before retry number `attempt` (1-based): the registry's `Retry-After` when it sent one
 * (capped), else the policy's backoff, full jitter unless it says otherwise, so that many workers
 * throttled at once do not come back in step.
 */
export function retryDelayMs(policy: BackoffPolicy, attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, policy.maxMs);
  return backoffDelay(policy, attempt, random);
}

/** Worth another attempt: a registry failure that says so (throttling, server trouble, a network failure). */
function isRetryable(error: unknown): error is RegistryError {
  return error instanceof RegistryError && error.retryable;
}

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error, or attempts run out.
 * The wait is cut short (with a CANCELLED error) when `signal` aborts.
 */
export function withRetries<T>(
  policy: BackoffPolicy,
  operation: (attempt: number) => Promise<T>,
  opts: { signal?: AbortSignal; onRetry?: (error: RegistryError, attempt: number, delayMs: number) => void } = {},
): Promise<T> {
  const { onRetry } = opts;
  return retry(operation, {
    policy,
    retryable: isRetryable,
    // Only a retryable failure, a RegistryError, is waited for.
    delayMs: (attempt, error) => retryDelayMs(policy, attempt, (error as RegistryError).retryAfterMs),
    signal: opts.signal,
    cancelled: (abort) => new RegistryError(RegistryErrorCode.Cancelled, 'cancelled while waiting to retry', { cause: abort }),
    ...(onRetry ? { onRetry: (error: unknown, attempt: number, delayMs: number) => onRetry(error as RegistryError, attempt, delayMs) } : {}),
  });
}
