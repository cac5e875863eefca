import type { EventStore } from '@ferry/event-store';

/**
 * Follows the organization mirror's subject from `from` on and calls `onCancel` once the running
 * discovery is cancelled or the organization mirror deleted; ends when `signal` aborts. Best
 * effort, as the run's cancel watch: a lost watch still ends through fencing at the next record.
 */
export async function watchForDiscoveryCancel(store: EventStore, subject: string, from: number, runId: string, signal: AbortSignal, onCancel: () => void): Promise<void> {
  try {
    for await (const event of store.watchSubject(subject, from - 1, signal)) {
      if ((event.type === 'OrgDiscoveryCancelRequested' && event.data.runId === runId) || event.type === 'OrgMirrorDeleted') {
        onCancel();
        return;
      }
    }
  } catch {
    // Watching is best effort (see above).
  }
}
