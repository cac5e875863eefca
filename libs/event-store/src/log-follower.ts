import { DeliverPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { StoredEvent } from '@ferry/contracts';
import { decodeEvent } from './event-codec';
import type { ConnectionWatch } from './nats-connection';

/**
 * Reads the stream from `fromPosition` onwards (the subjects `filterSubject` matches) and keeps
 * following it, one event at a time, until `signal` aborts.
 */
export async function* followLog(js: JetStreamClient, stream: string, fromPosition: number, signal: AbortSignal, filterSubject: string): AsyncGenerator<StoredEvent> {
  const consumer = await js.consumers.get(stream, {
    filter_subjects: filterSubject,
    ...(fromPosition > 1
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromPosition }
      : { deliver_policy: DeliverPolicy.All }),
  });
  const messages = await consumer.consume({ max_messages: 256 });
  // The iterator only notices a close when the next message or heartbeat comes, so an abort
  // ends the loop itself instead of waiting for that.
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<IteratorResult<JsMsg>>((resolve) => {
    onAbort = () => resolve({ done: true, value: undefined });
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const iterator = messages[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) break;
      yield decodeEvent(next.value.data, next.value.seq, next.value.subject);
    }
  } finally {
    // A long-lived signal (a service's) outlives many follows: each takes its listener with it.
    signal.removeEventListener('abort', onAbort);
    // Not awaited: close() settles only once the server confirms, which a caller that broke
    // out of the loop has no reason to wait for.
    void messages.close().catch(() => undefined);
  }
}

/**
 * The events appended to one subject after `afterSequence`, in order, as they come, until
 * `signal` aborts. It holds no JetStream consumer (a consumer per run, created and deleted, was
 * the largest cost a run put on NATS): a plain subscription to the subject tells it something was
 * appended, and `readAfter` reads what is new from the stream. What a subscription misses while
 * NATS is away is read after the reconnect.
 */
export async function* watchSubject(
  connection: NatsConnection,
  watch: ConnectionWatch,
  readAfter: (subject: string, afterSequence: number) => Promise<{ events: StoredEvent[] }>,
  subject: string,
  afterSequence: number,
  signal: AbortSignal,
): AsyncGenerator<StoredEvent> {
  let nudge: () => void = () => undefined;
  let nudged = true;
  const woken = () => {
    nudged = true;
    nudge();
  };
  const subscription = connection.subscribe(subject, { callback: woken });
  const stopListening = watch.onReconnect(woken);
  signal.addEventListener('abort', woken, { once: true });
  let seen = afterSequence;
  try {
    while (!signal.aborted) {
      if (!nudged) await new Promise<void>((resolve) => (nudge = resolve));
      nudged = false;
      if (signal.aborted) break;
      // Read from the stream after the subscription is in place, so nothing falls between the two.
      // Once, not patiently: a read that fails while NATS is away is made again after the reconnect.
      const history = await readAfter(subject, seen).catch(() => ({ events: [] as StoredEvent[] }));
      for (const event of history.events) {
        seen = event.position;
        yield event;
      }
    }
  } finally {
    signal.removeEventListener('abort', woken);
    stopListening();
    subscription.unsubscribe();
  }
}
