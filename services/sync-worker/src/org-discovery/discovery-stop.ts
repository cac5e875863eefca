import type { StoredEvent } from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import { watchRunStop, type RunStop } from '../run/run-cancel-watch';

/** The events on an organization mirror's subject that end discovery `runId`: its cancel, or the organization mirror's deletion. */
export function cancelsDiscovery(runId: string): (event: StoredEvent) => boolean {
  return (event) => (event.type === 'OrgDiscoveryCancelRequested' && event.data.runId === runId) || event.type === 'OrgMirrorDeleted';
}

/**
 * Watches for what stops a discovery, as a run's stop watch does: its cancel (requested before it
 * was claimed, or seen on the organization mirror's subject from `watch.from` on), the worker
 * stopping, the lease lost. Its signal ends the lister's requests, and no further page starts.
 */
export function watchDiscoveryStop(store: EventStore, watch: { subject: string; from: number; runId: string; cancelRequested: boolean }, stopping: AbortSignal, leaseLost: AbortSignal): RunStop {
  return watchRunStop((signal) => store.watchSubject(watch.subject, watch.from - 1, signal), { isCancel: cancelsDiscovery(watch.runId), cancelRequested: watch.cancelRequested }, stopping, leaseLost);
}
