import type { EventStore } from '@ferry/event-store';
import { watchForDiscoveryCancel } from './discovery-cancel-watch';

/** What stops a running discovery, gathered into one signal. */
export interface DiscoveryStop {
  /** Aborted on a cancel, the worker stopping, or the lease lost: the lister's requests end, and no further page starts. */
  readonly signal: AbortSignal;
  /** True once the discovery was cancelled (or the organization mirror deleted), before or while it ran. */
  cancelled(): boolean;
  /** Stops watching; the signal stays as it is. */
  close(): Promise<void>;
}

/**
 * Watches for what stops a discovery: its cancel (requested before it was claimed, or seen on
 * the organization mirror's subject from `watchFrom` on), the worker stopping, the lease lost.
 */
export function watchDiscoveryStop(store: EventStore, watch: { subject: string; from: number; runId: string; cancelRequested: boolean }, stopping: AbortSignal, leaseLost: AbortSignal): DiscoveryStop {
  const stop = new AbortController();
  let cancelled = watch.cancelRequested;
  const halt = () => stop.abort();
  for (const signal of [stopping, leaseLost]) signal.addEventListener('abort', halt, { once: true });
  const watching = new AbortController();
  const watched = watchForDiscoveryCancel(store, watch.subject, watch.from, watch.runId, watching.signal, () => {
    cancelled = true;
    halt();
  });
  if (cancelled || stopping.aborted || leaseLost.aborted) halt();
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
