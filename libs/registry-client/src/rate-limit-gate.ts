import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryError, RegistryErrorCode } from './registry-error';

/** Reads Docker Hub's `RateLimit-Remaining: 97;w=21600` (or a bare number); undefined when absent. */
export function parseRateLimitRemaining(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const m = /^\s*(-?\d+)/.exec(raw);
  return m ? Number(m[1]) : undefined;
}

/**
 * A pull budget that several clients draw on: Docker Hub counts the pulls of an account (or of
 * an address, anonymously) whichever process sends them, so every sync-worker must slow down
 * once any of them sees the budget spent.
 */
export interface SharedRateLimit {
  /** Whether a sharer last saw the budget spent (and nobody has seen it back since). */
  exhausted(): boolean;
  /** Tells the sharers what an answer said; called only when it differs from {@link exhausted}. */
  report(exhausted: boolean): void;
}

/**
 * Honours Docker Hub's pull budget. Docker Hub counts manifest GETs (HEADs and blobs are free)
 * and reports what is left in `RateLimit-Remaining`. Once that reaches 0, manifest GETs stop
 * running in parallel: they go one at a time, each after a pause, until an answer shows budget
 * again; so a run slows down instead of collecting a 429 for every remaining tag. With a
 * {@link SharedRateLimit}, what one client learns paces the others too.
 */
export class RateLimitGate {
  private exhausted = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly pauseMs: number,
    private readonly onWait?: (waitMs: number) => void,
    private readonly shared?: SharedRateLimit,
  ) {}

  /** Learns the budget from an answer's headers. */
  observe(headers: Record<string, string | string[] | undefined>): void {
    const remaining = parseRateLimitRemaining(headers['ratelimit-remaining']);
    if (remaining === undefined) return;
    this.exhausted = remaining <= 0;
    if (this.shared && this.shared.exhausted() !== this.exhausted) this.shared.report(this.exhausted);
  }

  private spent(): boolean {
    return this.exhausted || (this.shared?.exhausted() ?? false);
  }

  /** Resolves when a budgeted request (a manifest GET) may go; returns a release to call once its answer is read. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (!this.spent()) return () => {};
    let release!: () => void;
    const previous = this.queue;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    if (this.spent()) {
      this.onWait?.(this.pauseMs);
      try {
        await sleep(this.pauseMs, undefined, { signal });
      } catch (abort) {
        release();
        throw new RegistryError(RegistryErrorCode.Cancelled, 'cancelled while waiting for the registry rate limit', { cause: abort });
      }
    }
    return release;
  }
}
