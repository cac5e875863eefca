/**
 * Runs happen on a grid anchored at `sync_start_date` with `sync_interval` spacing, so a run that
 * finishes late does not push every later run back. The next start is the first grid point after
 * `now`, or the start date itself while it is still ahead.
 */
export function nextGridPoint(syncStartDate: string, intervalSeconds: number, now: Date): string {
  const start = Date.parse(syncStartDate);
  const nowMs = now.getTime();
  if (nowMs < start) return new Date(start).toISOString();
  const step = intervalSeconds * 1000;
  const steps = Math.floor((nowMs - start) / step) + 1;
  return new Date(start + steps * step).toISOString();
}

/** Scheduled retries per interval, as Quay's `sync_retries_remaining`. */
export const RETRIES_PER_INTERVAL = 3;

/**
 * After a transient failure the mirror is retried sooner than its next grid point: 30 s, 60 s,
 * 120 s, ... never later than the grid point itself. `jitter` (0..1) is handed in by the caller so
 * that this stays a pure function.
 */
export function retryAt(now: Date, attempt: number, gridNext: string, jitter: number, baseSeconds = 30): string {
  const delayMs = baseSeconds * 1000 * 2 ** Math.max(0, attempt - 1) * (0.5 + jitter / 2);
  const retry = now.getTime() + delayMs;
  return new Date(Math.min(retry, Date.parse(gridNext))).toISOString();
}
