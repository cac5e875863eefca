/**
 * Slows down password guessing, per user name and per client address: after `freeFailures`
 * failures in a row a key must wait before its next attempt, twice as long after each further
 * failure, up to `maxDelayMs`. A success clears the user's key (not the address's, which may be
 * guessing at other users). Kept per replica: a guesser spread over N replicas gets N times the
 * attempts, which the doubling still turns into little.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, { count: number; blockedUntil: number; lastAt: number }>();

  constructor(
    private readonly options = { freeFailures: 5, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 },
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `keys` may try again; 0 when they may now. */
  waitMs(keys: readonly string[]): number {
    const now = this.now();
    return Math.max(0, ...keys.map((key) => (this.failures.get(key)?.blockedUntil ?? 0) - now));
  }

  /** Records a failed attempt; returns how many failures in a row the first key (the user) has. */
  fail(keys: readonly string[]): number {
    const now = this.now();
    let first = 0;
    for (const key of keys) {
      const entry = this.failures.get(key);
      const count = entry && now - entry.lastAt < this.options.forgetAfterMs ? entry.count + 1 : 1;
      const over = count - this.options.freeFailures;
      const blockedUntil = over >= 0 ? now + Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** over) : 0;
      this.failures.set(key, { count, blockedUntil, lastAt: now });
      if (first === 0) first = count;
    }
    this.forgetOld(now);
    return first;
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  private forgetOld(now: number): void {
    if (this.failures.size < 10_000) return;
    for (const [key, entry] of this.failures) if (now - entry.lastAt >= this.options.forgetAfterMs) this.failures.delete(key);
  }
}
