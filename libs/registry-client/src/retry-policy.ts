import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryError, RegistryErrorCode } from './registry-error';

/** How transient failures are retried: exponential backoff with full jitter, capped. */
export interface RetryPolicy {
  /** Total attempts, the first included; 1 disables retries. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 20_000 };

/**
 * The wait before retry number `attempt` (1-based): the registry's `Retry-After` when it sent one
 * (capped), else a uniformly random delay up to base·2^(attempt-1) ("full jitter"), so that many
 * workers throttled at once do not come back in step.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfterSeconds?: number, random: () => number = Math.random): number {
  if (retryAfterSeconds !== undefined && retryAfterSeconds >= 0) return Math.min(retryAfterSeconds * 1000, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/** Reads `Retry-After` (delta seconds or an HTTP date) into seconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim());
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error, or attempts run out.
 * The wait is cut short (with a CANCELLED error) when `signal` aborts.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  operation: (attempt: number) => Promise<T>,
  opts: { signal?: AbortSignal; onRetry?: (error: RegistryError, attempt: number, delayMs: number) => void } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!(error instanceof RegistryError) || !error.retryable || attempt >= policy.maxAttempts || opts.signal?.aborted) throw error;
      const delay = retryDelayMs(policy, attempt, error.retryAfterSeconds);
      opts.onRetry?.(error, attempt, delay);
      try {
        await sleep(delay, undefined, { signal: opts.signal });
      } catch (abort) {
        throw new RegistryError(RegistryErrorCode.Cancelled, 'cancelled while waiting to retry', { cause: abort });
      }
    }
  }
}
