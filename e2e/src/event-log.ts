import { EventStore } from '@ferry/event-store';
import type { StoredEvent } from '@ferry/contracts';
import { TEST_NATS_URL } from '@ferry/testing';

/** Every event a test's Ferry stored so far, oldest first (from the shared NATS, or the servers `natsUrl` lists). */
export async function readEventLog(names: { stream: string; subjectPrefix: string }, natsUrl = TEST_NATS_URL): Promise<StoredEvent[]> {
  const store = await EventStore.connect({ natsUrl, ...names });
  try {
    const head = await store.headPosition();
    const events: StoredEvent[] = [];
    if (head === 0) return events;
    const stop = new AbortController();
    for await (const event of store.follow(1, stop.signal)) {
      events.push(event);
      if (event.position >= head) break;
    }
    stop.abort();
    return events;
  } finally {
    await store.close();
  }
}

/** Removes a test's stream once it is done. */
export async function destroyEventLog(names: { stream: string; subjectPrefix: string }): Promise<void> {
  const store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...names }).catch(() => null);
  await store?.destroyStream();
  await store?.close();
}
