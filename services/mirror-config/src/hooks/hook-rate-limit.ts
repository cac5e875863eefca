/**
 * A token bucket per hook, in this process's memory: `burst` deliveries at once, refilled at
 * `perSecond`. A registry's push of one image sends a few deliveries and a burst of tags a few
 * dozen; a sender looping (or someone guessing secrets) is held to the rate. Each mirror-config
 * process keeps its own buckets, so N processes allow N times the rate: a bound, not a quota.
 */
export class HookRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one delivery's token; returns 0 when allowed, else the seconds until one is free. */
  take(hookId: string): number {
    const now = this.now();
    const bucket = this.buckets.get(hookId) ?? { tokens: this.burst, at: now };
    const tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    if (tokens < 1) {
      this.buckets.set(hookId, { tokens, at: now });
      return Math.max(1, Math.ceil((1 - tokens) / this.perSecond));
    }
    this.buckets.set(hookId, { tokens: tokens - 1, at: now });
    // A bucket that has refilled by now holds nothing worth keeping: forget those, so the map
    // follows the hooks in use (checked once it holds many, not on every delivery).
    if (this.buckets.size > 10_000) {
      for (const [id, b] of this.buckets) if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(id);
    }
    return 0;
  }
}
