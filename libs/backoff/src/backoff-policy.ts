/**
 * How a transient failure is retried: the wait before retry `n` (1-based) grows from `baseMs`
 * to at most `maxMs`, and `maxAttempts` attempts are made in all.
 */
export interface BackoffPolicy {
  /** The wait (with jitter: its ceiling) before the first retry. */
  baseMs: number;
  /** Upper bound of any wait. */
  maxMs: number;
  /** Attempts in all, the first included; 1 disables retries, `Infinity` leaves the end to a deadline or a signal. */
  maxAttempts: number;
  /**
   * Full jitter, a uniform wait in [0, ceiling) (AWS architecture blog, "Exponential Backoff And
   * Jitter"), so that many clients failing at once do not come back in step; false waits the
   * ceiling itself. Default true.
   */
  jitter?: boolean;
  /** The ceiling doubles per retry (the default), or grows by `baseMs` per retry: for pauses that must stay short. */
  growth?: 'doubling' | 'linear';
}

/** What a wait depends on: a policy without its attempt count. */
export type BackoffCurve = Pick<BackoffPolicy, 'baseMs' | 'maxMs' | 'growth'>;

/** The ceiling of the wait before retry `attempt` (1-based): baseMs·2^(attempt-1), or baseMs·attempt, at most maxMs. */
export function backoffCeiling(curve: BackoffCurve, attempt: number): number {
  const factor = curve.growth === 'linear' ? attempt : 2 ** (attempt - 1);
  // 2 ** 1024 is Infinity; Math.min keeps it bounded.
  return Math.min(curve.maxMs, curve.baseMs * factor);
}

/** A uniformly random wait in [0, ceiling) before retry `attempt`, in whole milliseconds. */
export function fullJitterDelay(curve: BackoffCurve, attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * backoffCeiling(curve, attempt));
}

/** The wait before retry `attempt` as the policy says: with full jitter, or the ceiling itself when `jitter` is false. */
export function backoffDelay(policy: BackoffCurve & Pick<BackoffPolicy, 'jitter'>, attempt: number, random: () => number = Math.random): number {
  return policy.jitter === false ? backoffCeiling(policy, attempt) : fullJitterDelay(policy, attempt, random);
}
