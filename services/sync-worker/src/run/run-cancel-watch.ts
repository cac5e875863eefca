import type { StoredEvent } from '@ferry/contracts';

/** What stops a running run (a mirror's run, or an organization mirror's discovery), gathered into one signal. */
export interface RunStop {
  /** Aborted on a cancel, the worker stopping, or the lease lost: the run's registry requests end, and no result is recorded after it. */
  readonly signal: AbortSignal;
  /** True once the run was cancelled (or its mirror deleted), before it was claimed or while it ran. */
  cancelled(): boolean;
  /** Stops watching and lets go of the signals it listens to; `signal` stays as it is. */
  close(): Promise<void>;
}

/** The events on a mirror's subject that end `runId`: its cancel, or the mirror's deletion. */
export function cancelsRun(runId: string): (event: StoredEvent) => boolean {
  return (event) => (event.type === 'MirrorCancelRequested' && event.data.runId === runId) || event.type === 'MirrorDeleted';
}

/**
 * Watches for what stops a run: its cancel (requested before it was claimed, or seen in
 * `follow`, the mirror's subject from the claim on), the worker stopping, the lease lost.
 * Watching is best effort: a watch that ends with the connection still ends the run through the
 * lease's fencing, at the next renewal.
 *
 * `followAfterMs`: the subject is followed only once the run has lasted that long. `follow`
 * begins with what was appended since the claim, so a cancel in between is seen then, only later;
 * a run over before (a one-tag run takes a few tens of milliseconds, a no-op re-sync about as
 * long) never subscribes to its mirror nor reads it: a cancel that comes while it ends finds it ended.
 */
export function watchRunStop(
  follow: (signal: AbortSignal) => AsyncIterable<StoredEvent>,
  run: { isCancel: (event: StoredEvent) => boolean; cancelRequested: boolean },
  stopping: AbortSignal,
  leaseLost: AbortSignal,
  { followAfterMs = 0 }: { followAfterMs?: number } = {},
): RunStop {
  const stop = new AbortController();
  let cancelled = run.cancelRequested;
  const halt = () => stop.abort();
  for (const signal of [stopping, leaseLost]) signal.addEventListener('abort', halt, { once: true });
  if (cancelled || stopping.aborted || leaseLost.aborted) halt();
  const watching = new AbortController();
  const watched = (async () => {
    try {
      if (followAfterMs > 0 && !(await lasted(followAfterMs, watching.signal))) return;
      for await (const event of follow(watching.signal)) {
        if (run.isCancel(event)) {
          cancelled = true;
          halt();
          return;
        }
      }
    } catch {
      // Best effort (see above).
    }
  })();
  return {
    signal: stop.signal,
    cancelled: () => cancelled,
    close: async () => {
      for (const signal of [stopping, leaseLost]) signal.removeEventListener('abort', halt);
      watching.abort();
      await watched;
    },
  };
}

/** True once `ms` have passed, false as soon as `signal` aborts. */
function lasted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', aborted);
      resolve(true);
    }, ms);
    const aborted = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', aborted, { once: true });
  });
}
