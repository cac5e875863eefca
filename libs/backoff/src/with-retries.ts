import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, type BackoffPolicy } from './backoff-policy';

export interface RetryOptions {
  policy: BackoffPolicy;
  /** The caller's rule: whether a failure is worth another attempt. Any other failure is thrown at once. */
  retryable: (error: unknown) => boolean;
  /** The wait before retry `attempt` (1-based) after `error`; default: {@link backoffDelay} of the policy. */
  delayMs?: (attempt: number, error: unknown) => number;
  /** No retry after this time (epoch milliseconds): for retries bound by patience rather than a count. */
  giveUpAt?: number;
  /** Once aborted, a failure is thrown as it is, and a wait under way ends. */
  signal?: AbortSignal;
  /** What a wait ended by `signal` throws (default: the abort itself). */
  cancelled?: (abort: unknown) => Error;
  /** Called before each wait. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Runs `operation` until it succeeds, fails in a way that is not retryable, or the attempts or the time run out. */
export async function withRetries<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const outOfTime = options.giveUpAt !== undefined && Date.now() >= options.giveUpAt;
      if (!options.retryable(error) || attempt >= options.policy.maxAttempts || options.signal?.aborted || outOfTime) throw error;
      const delay = options.delayMs ? options.delayMs(attempt, error) : backoffDelay(options.policy, attempt);
      options.onRetry?.(error, attempt, delay);
      try {
        await sleep(delay, undefined, options.signal ? { signal: options.signal } : undefined);
      } catch (abort) {
        throw options.cancelled ? options.cancelled(abort) : abort;
      }
    }
  }
}
