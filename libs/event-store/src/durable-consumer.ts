import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { backoffDelay, type BackoffPolicy } from '@ferry/backoff';
import type { StoredEvent } from '@ferry/contracts';
import { decodeEvent, EVENT_TYPE_HEADER } from './event-codec';

/** What a durable consumer's handler tells the store about one message. */
export type Disposition = { ack: true } | { retryInMs: number } | { poison: string };

/** The message being handled, as far as a handler may touch it. */
export interface DurableMessage {
  /** Tells JetStream the handler is still at work, so the ack wait starts again (a heartbeat). */
  working(): void;
  /**
   * The position of the event before this one on its subject, when it was appended against it (as
   * every command's events are): a process whose fold of the subject ends there has the whole
   * history with this event (see `foldDelivered`).
   */
  readonly previousPosition: number | undefined;
}

/** What an append expected the subject's last event to be, as JetStream stored it with the message. */
function previousPositionOf(m: JsMsg): number | undefined {
  const expected = m.headers?.get('Nats-Expected-Last-Subject-Sequence');
  return expected ? Number(expected) : undefined;
}

export type DurableHandler = (event: StoredEvent, message: DurableMessage) => Promise<Disposition>;

export interface ConsumeDurableOptions {
  ackWaitMs?: number;
  /** Unacked messages allowed across all processes sharing the durable. */
  maxAckPending?: number;
  /** Messages this process handles at once. */
  concurrency?: number;
  onError?: (error: unknown, event?: StoredEvent) => void;
  onPulled?: () => void;
  /**
   * The event types `handle` acts on; the others are acked without it, and without being decoded
   * when the message names its type (the `Ferry-Event-Type` header every append sets): a run
   * consumer is handed every event of every mirror, and acts on one in four.
   */
  wants?: (type: string) => boolean;
}

/**
 * How long the acks of events `wants` passes over wait, to be sent together: a run consumer is
 * handed three such events for every one it acts on, and an ack sent on its own is a socket write
 * of its own. Late by this much at most, far inside the ack wait (seconds); the events of a process
 * that dies first come back once, to be passed over again.
 */
const PASSED_OVER_ACK_DELAY_MS = 50;

/** Acks messages together, at most `delayMs` after the first of them. */
class AckBatch {
  private readonly messages: JsMsg[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly delayMs: number) {}

  add(m: JsMsg): void {
    this.messages.push(m);
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  /** Acks every message held now (all in one turn of the event loop: one socket write). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const m of this.messages.splice(0)) m.ack();
  }
}

/** A message whose handler threw comes back after 2 s, doubling per delivery, at most 30 s. */
const HANDLER_FAILED_REDELIVERY: BackoffPolicy = { baseMs: 2_000, maxMs: 30_000, maxAttempts: Infinity, jitter: false };

/**
 * Runs `handle` for every event of `filterSubject` on a durable, explicitly-acked consumer shared
 * by all processes with the same `durableName` (competing consumers); see `EventStore.consumeDurable`.
 */
export async function consumeDurable(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  durableName: string,
  filterSubject: string,
  handle: DurableHandler,
  signal: AbortSignal,
  options: ConsumeDurableOptions = {},
): Promise<void> {
  const ackWaitMs = options.ackWaitMs ?? 30_000;
  const concurrency = options.concurrency ?? 16;
  try {
    await jsm.consumers.info(stream, durableName);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.ConsumerNotFound) throw error;
    await jsm.consumers
      .add(stream, {
        durable_name: durableName,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: filterSubject,
        ack_wait: ackWaitMs * 1_000_000,
        max_ack_pending: options.maxAckPending ?? 1_000,
        max_deliver: -1,
      })
      .catch(async (raced) => {
        await jsm.consumers.info(stream, durableName).catch(() => {
          throw raced;
        });
      });
  }
  const consumer = await js.consumers.get(stream, durableName);
  const passedOver = new AckBatch(PASSED_OVER_ACK_DELAY_MS);
  const inFlight = new Set<Promise<void>>();
  const pulls = new Set<Promise<void>>();
  const open = new Set<ConsumerMessages>();
  const stopPulls = () => open.forEach((pulled) => void pulled.stop());
  signal.addEventListener('abort', stopPulls, { once: true });
  // Messages asked for and not yet delivered: with those in hand, never more than `concurrency`.
  let awaited = 0;

  /** One pull of `count` messages, each handed to `handle` as it arrives. */
  const pull = async (count: number): Promise<void> => {
    awaited += count;
    let delivered = 0;
    let failure: unknown;
    try {
      const pulled = await consumer.fetch({ max_messages: count, expires: 2_000 });
      open.add(pulled);
      try {
        for await (const m of pulled) {
          delivered++;
          awaited--;
          options.onPulled?.();
          if (signal.aborted) {
            m.nak();
            continue;
          }
          const work = dispatch(m, handle, options, passedOver).finally(() => inFlight.delete(work));
          inFlight.add(work);
        }
        // A pull the server or the client ended (NATS shutting down, heartbeats missed) ends
        // quietly, with its reason here: only one that ran its course shows NATS answering.
        failure = await pulled.closed();
      } finally {
        open.delete(pulled);
      }
    } catch (error) {
      failure = error;
    } finally {
      awaited -= count - delivered;
    }
    if (signal.aborted) return;
    if (failure instanceof Error) {
      options.onError?.(failure);
      await new Promise((r) => setTimeout(r, 1_000));
    } else {
      options.onPulled?.();
    }
  };

  try {
    // A pull asks for as many messages as there are free slots, and a slot that frees while a pull
    // waits for more is filled by a pull of its own: a process never holds messages it is not
    // working on, so a stopping process leaves nothing behind to wait out the ack timeout. A pull
    // per message cost a subscription, a request and an unsubscription for each (a third of a
    // sync-worker's NATS traffic for a one-tag run).
    while (!signal.aborted) {
      const free = concurrency - inFlight.size - awaited;
      if (free > 0) {
        const pulling = pull(free).finally(() => pulls.delete(pulling));
        pulls.add(pulling);
        continue;
      }
      await Promise.race([...inFlight, ...pulls]);
    }
  } finally {
    signal.removeEventListener('abort', stopPulls);
    stopPulls();
    await Promise.allSettled(pulls);
    await Promise.allSettled(inFlight);
    passedOver.flush();
  }
}

/**
 * Decodes one message, hands it to `handle` and carries out the disposition; a handler that threw
 * is a retry. A message `wants` passes over is acked with others in `passedOver`.
 */
async function dispatch(m: JsMsg, handle: DurableHandler, { onError, wants }: ConsumeDurableOptions, passedOver: AckBatch): Promise<void> {
  const namedType = m.headers?.get(EVENT_TYPE_HEADER);
  if (wants && namedType && !wants(namedType)) {
    passedOver.add(m);
    return;
  }
  let event: StoredEvent;
  try {
    event = decodeEvent(m.data, m.seq, m.subject);
  } catch (error) {
    onError?.(error);
    m.term('malformed event');
    return;
  }
  if (wants && !wants(event.type)) {
    passedOver.add(m);
    return;
  }
  try {
    const outcome = await handle(event, { working: () => m.working(), previousPosition: previousPositionOf(m) });
    // Not confirmed (no reply to wait for): a lost ack only brings the event back, and a handler
    // must take an event twice anyway (a run's claim refuses an assignment already taken or over).
    if ('ack' in outcome) m.ack();
    else if ('retryInMs' in outcome) m.nak(outcome.retryInMs);
    else m.term(outcome.poison);
  } catch (error) {
    onError?.(error, event);
    m.nak(backoffDelay(HANDLER_FAILED_REDELIVERY, m.info.deliveryCount));
  }
}
