/** The counters a run reports as it copies (the sync engine's `SyncProgress`). */
export interface ProgressCounters {
  tagsDone: number;
  tagsTotal: number;
  bytesCopied: number;
  /** The bytes the run knows it must copy so far (it learns more as it reads manifests). */
  bytesTotal: number;
}

/** The rate and the estimate a reading gives. */
export interface ProgressEstimate {
  /** Bytes per second over the meter's window. */
  bytesPerSecond: number;
  /** Seconds until the known bytes are copied at that rate; 0 once every tag is done; null while it cannot be told. */
  etaSeconds: number | null;
}

/**
 * Seconds left for the bytes known so far, at `bytesPerSecond`. Every tag done: 0. Nothing known
 * left to copy while tags remain (they may hold bytes not yet known), or no rate yet: null.
 */
export function estimateEta(counters: ProgressCounters, bytesPerSecond: number): number | null {
  if (counters.tagsTotal > 0 && counters.tagsDone >= counters.tagsTotal) return 0;
  const remaining = counters.bytesTotal - counters.bytesCopied;
  if (remaining <= 0 || !(bytesPerSecond > 0)) return null;
  return Math.ceil(remaining / bytesPerSecond);
}

/**
 * The copy rate of one run over a sliding window: the bytes copied between the oldest reading
 * still inside the window and now, over that time. A stall shows as the rate falling to 0 as its
 * readings leave the window. Time is handed in (milliseconds), so the arithmetic is testable.
 */
export class ProgressMeter {
  private readonly readings: Array<{ at: number; bytes: number }>;

  /** `startedAt`: when copying began, with nothing copied (the first rate counts from there). */
  constructor(
    startedAt: number,
    private readonly windowMs = 10_000,
  ) {
    this.readings = [{ at: startedAt, bytes: 0 }];
  }

  /** Records the counters as of `now` and returns the rate and estimate they give. */
  read(counters: ProgressCounters, now: number): ProgressEstimate {
    this.readings.push({ at: now, bytes: counters.bytesCopied });
    // Keep the newest reading at or before the window's start: the rate spans the whole window.
    while (this.readings.length > 2 && this.readings[1]!.at <= now - this.windowMs) this.readings.shift();
    const oldest = this.readings[0]!;
    const seconds = (now - oldest.at) / 1000;
    const bytesPerSecond = seconds > 0 ? Math.max(0, counters.bytesCopied - oldest.bytes) / seconds : 0;
    return { bytesPerSecond: Math.round(bytesPerSecond), etaSeconds: estimateEta(counters, bytesPerSecond) };
  }
}
