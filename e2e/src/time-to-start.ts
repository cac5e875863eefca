import { aggregateSubject, AggregateKind, type StoredEvent } from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';

/**
 * How long a run took to start after the request that asked for it, in ms from just before the
 * request: until its first event was stored (a `MirrorCreated` or `MirrorSyncNowRequested`), until
 * the scheduler issued the run, and until a worker started it.
 */
export interface TimeToStart {
  requestedMs: number;
  scheduledMs: number;
  startedMs: number;
  /** The log position of `MirrorStarted`: the run's end comes after it (see `runEnded`). */
  startedPosition: number;
}

const REQUEST_EVENTS = new Set(['MirrorCreated', 'MirrorUpdated', 'MirrorSyncNowRequested']);

/**
 * Runs `request` (an API call that should start a run of `mirrorId`) and follows the mirror's
 * subject until a worker started the run. Times come from the events' `occurredAt`, stamped by
 * services on this machine's clock.
 */
export async function timeToStart(store: EventStore, mirrorId: string, request: () => Promise<void>, timeoutMs = 30_000): Promise<TimeToStart> {
  const subject = aggregateSubject(store.prefix, AggregateKind.Mirror, mirrorId);
  const from = (await store.lastSequenceOf(subject)) + 1;
  const askedAt = Date.now();
  await request();
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), timeoutMs);
  const seen: Partial<Record<'requested' | 'scheduled' | 'started', StoredEvent>> = {};
  try {
    for await (const event of store.follow(from, stop.signal, subject)) {
      if (REQUEST_EVENTS.has(event.type)) seen.requested ??= event;
      if (event.type === 'MirrorRunScheduled') seen.scheduled ??= event;
      if (event.type === 'MirrorStarted') {
        seen.started = event;
        break;
      }
    }
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
  const { requested, scheduled, started } = seen;
  if (!requested || !scheduled || !started) {
    throw new Error(`${mirrorId}: no run started within ${timeoutMs} ms (saw ${Object.keys(seen).join(', ') || 'nothing'})`);
  }
  const since = (event: StoredEvent) => Date.parse(event.occurredAt) - askedAt;
  return { requestedMs: since(requested), scheduledMs: since(scheduled), startedMs: since(started), startedPosition: started.position };
}

/** Resolves with the first run end of `mirrorId` stored after `fromPosition` (after it, a sync-now is accepted). */
export async function runEnded(store: EventStore, mirrorId: string, fromPosition: number, timeoutMs = 60_000): Promise<StoredEvent> {
  const subject = aggregateSubject(store.prefix, AggregateKind.Mirror, mirrorId);
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), timeoutMs);
  try {
    for await (const event of store.follow(fromPosition, stop.signal, subject)) {
      if (event.type === 'MirrorSucceeded' || event.type === 'MirrorFailed' || event.type === 'MirrorCancelled') return event;
    }
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
  throw new Error(`${mirrorId}: no run ended within ${timeoutMs} ms`);
}
