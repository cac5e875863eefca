import { randomUUID } from 'node:crypto';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type MsgRequest,
} from '@nats-io/jetstream';
import { EVENT_SCHEMA_VERSION, type Actor, type FerryEvent, type NewEvent, type StoredEvent } from '@ferry/contracts';
import { recordAppend, type AppendOutcome } from '@ferry/metrics';
import { decodeEvent, encodeEvent } from './event-codec';
import { WrongExpectedVersionError } from './errors';
import { currentTraceContext } from './trace-context';

export interface EventStoreOptions {
  /** One NATS URL, or several separated by commas (the nodes of a cluster). */
  natsUrl: string;
  /**
   * Copies JetStream keeps of the stream (1, or 3 on a three-node cluster). Given, an existing
   * stream is moved to it; absent, a new stream gets 1 and an existing one is left as it is
   * (so a tool that only reads never changes a deployment's stream).
   */
  replicas?: number;
  /** JetStream stream name, e.g. `FERRY_EVENTS`; tests use their own. */
  stream: string;
  /** Subject prefix of every event, e.g. `ferry`; the stream holds `<prefix>.>`. */
  subjectPrefix: string;
  /**
   * How long JetStream remembers message ids to drop a retried publish: an append retried later
   * than this after its first attempt may be stored twice, so no append retries longer (10 min,
   * the worker's patience, by default).
   */
  duplicateWindowMs?: number;
  /**
   * How long an append keeps retrying while NATS is away (reconnecting, a new stream leader being
   * elected) before it fails: short for the API, which answers 503 instead, long for a worker,
   * whose run should outlast an outage. Default 15 s.
   */
  publishPatienceMs?: number;
  /**
   * Told when the connection to NATS is lost and when it is back (the client reconnects on its own,
   * however long that takes), so the service can log an outage once rather than every failed request.
   */
  onConnectionChange?: (change: ConnectionChange) => void;
}

/** The connection to NATS was lost, or is back after `downMs`; `server` is the one it was or is connected to. */
export type ConnectionChange = { connected: false; server: string } | { connected: true; server: string; downMs: number };

/** Why an event is being appended: ties it to the request or event that caused it. */
export interface Causation {
  correlationId: string;
  causationId: string;
  /** Who is acting: recorded on every event the append writes. */
  actor: Actor;
}

export interface AppendOptions extends Causation {
  aggregateId: string;
  /** The subject's last sequence when it was read; 0 for a subject with no events. */
  expectedSequence?: number;
  /** Event time; handed in so deciders and replays stay deterministic. */
  now?: Date;
  /** How long this append may wait for NATS (default: the store's publishPatienceMs). */
  patienceMs?: number;
  /**
   * The events' ids, in order (default: fresh ones). A caller that appends the same events again
   * after an append failed passes the ids it used: if the first append was stored after all (its
   * ack lost), JetStream drops the repeat within the duplicate window.
   */
  eventIds?: readonly string[];
}

export interface SubjectHistory {
  events: StoredEvent[];
  /** The sequence to expect on the next append (0 when the subject is empty). */
  lastSequence: number;
}

/** Events a read of one subject fetches one at a time before it opens a consumer for the rest (see `readOnce`). */
const DIRECT_READ_LIMIT = 8;

/** `nats://a:4222,nats://b:4222` → the list nats.js takes. */
export function natsServers(urls: string): string[] {
  return urls.split(',').map((u) => u.trim()).filter(Boolean);
}

/** What a durable consumer's handler tells the store about one message. */
export type Disposition = { ack: true } | { retryInMs: number } | { poison: string };

/**
 * The event log: a JetStream stream with one subject per aggregate. Appends use
 * `expect.lastSubjectSequence` for optimistic concurrency and the event id as `Nats-Msg-Id`,
 * so a publish that is retried after a lost ack is stored once.
 */
export class EventStore {
  private reachable = true;
  /** Called after each reconnect: subscriptions that may have missed messages read again. */
  private readonly reconnectListeners = new Set<() => void>();

  private constructor(
    readonly connection: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly options: Required<Omit<EventStoreOptions, 'onConnectionChange'>>,
    private readonly onConnectionChange: EventStoreOptions['onConnectionChange'],
  ) {
    void this.watchStatus();
  }

  /** False between a disconnect and the reconnect that ends it (the client reconnects forever). */
  get connected(): boolean {
    return this.reachable && !this.connection.isClosed();
  }

  private async watchStatus(): Promise<void> {
    let lostAt = 0;
    for await (const status of this.connection.status()) {
      if (status.type === 'disconnect') {
        this.reachable = false;
        lostAt = Date.now();
        this.onConnectionChange?.({ connected: false, server: status.server });
      } else if (status.type === 'reconnect') {
        this.reachable = true;
        this.onConnectionChange?.({ connected: true, server: status.server, downMs: Date.now() - lostAt });
        for (const listener of this.reconnectListeners) listener();
      }
    }
  }

  static async connect(options: EventStoreOptions): Promise<EventStore> {
    const connection = await connect({
      servers: natsServers(options.natsUrl),
      name: `ferry-${process.pid}`,
      // An outage of any length ends with a reconnect, never a closed connection that needs a
      // restart; the first connect waits for a server too, so start order does not matter.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      waitOnFirstConnect: true,
      // Otherwise every request and publish makes an Error up front, stack trace and all, in case
      // it times out: a tenth of a sync-worker's CPU per run. A timeout still says what timed out.
      noAsyncTraces: true,
    });
    const jsm = await jetstreamManager(connection);
    const { onConnectionChange, ...settings } = options;
    const store = new EventStore(connection, jetstream(connection), jsm, { duplicateWindowMs: 600_000, publishPatienceMs: 15_000, ...settings, replicas: options.replicas ?? 0 }, onConnectionChange);
    await store.ensureStream();
    return store;
  }

  get prefix(): string {
    return this.options.subjectPrefix;
  }

  private async ensureStream(): Promise<void> {
    const config = {
      name: this.options.stream,
      subjects: [`${this.prefix}.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: this.options.duplicateWindowMs * 1_000_000,
      num_replicas: this.options.replicas || 1,
    };
    try {
      const info = await this.jsm.streams.info(this.options.stream);
      // FERRY_STREAM_REPLICAS raised (or lowered) on an existing stream: JetStream moves it.
      if (this.options.replicas && info.config.num_replicas !== this.options.replicas) await this.jsm.streams.update(this.options.stream, { num_replicas: this.options.replicas });
      // A stream made with a shorter window (before it was raised): widened, never narrowed.
      if (info.config.duplicate_window < config.duplicate_window) await this.jsm.streams.update(this.options.stream, { duplicate_window: config.duplicate_window });
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
      try {
        await this.jsm.streams.add(config);
      } catch (raced) {
        // Another process created it between our lookup and our add.
        await this.jsm.streams.info(this.options.stream).catch(() => {
          throw raced;
        });
      }
    }
  }

  /** Appends events to one aggregate's subject, in order, each checked against the last. */
  async append(subject: string, events: readonly NewEvent[], options: AppendOptions): Promise<StoredEvent[]> {
    const stored: StoredEvent[] = [];
    let expected = options.expectedSequence;
    const occurredAt = (options.now ?? new Date()).toISOString();
    const trace = currentTraceContext();
    let causationId = options.causationId;
    for (const [index, draft] of events.entries()) {
      const event = {
        ...draft,
        id: options.eventIds?.[index] ?? randomUUID(),
        schemaVersion: EVENT_SCHEMA_VERSION,
        occurredAt,
        aggregateId: options.aggregateId,
        correlationId: options.correlationId,
        causationId,
        actor: options.actor,
        ...trace,
      } as FerryEvent;
      const ack = await this.timedPublish(subject, event, expected, options.patienceMs);
      stored.push({ ...event, position: ack.seq, subject });
      expected = expected === undefined ? undefined : ack.seq;
      causationId = event.id;
    }
    return stored;
  }

  /** `publishEvent`, with its latency and outcome in the append metrics. */
  private async timedPublish(subject: string, event: FerryEvent, expectedSequence: number | undefined, patienceMs: number | undefined): Promise<{ seq: number; duplicate: boolean }> {
    const started = performance.now();
    let outcome: AppendOutcome = 'error';
    try {
      const ack = await this.publishEvent(subject, event, expectedSequence, patienceMs);
      outcome = 'ok';
      return ack;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) outcome = 'conflict';
      throw error;
    } finally {
      recordAppend(outcome, (performance.now() - started) / 1000);
    }
  }

  /**
   * Publishes one complete event. A publish whose ack is lost (timeout, reconnect) is sent again
   * with the same `Nats-Msg-Id`; JetStream answers the repeat as a duplicate of the stored
   * message, so the event is stored once and the retry learns its sequence.
   */
  async publishEvent(subject: string, event: FerryEvent, expectedSequence?: number, patienceMs = this.options.publishPatienceMs): Promise<{ seq: number; duplicate: boolean }> {
    const hdrs = headers();
    hdrs.set('Ferry-Event-Type', event.type);
    if (event.traceparent) hdrs.set('traceparent', event.traceparent);
    const deadline = Date.now() + patienceMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await this.js.publish(subject, encodeEvent(event), {
          msgID: event.id,
          headers: hdrs,
          ...(expectedSequence === undefined ? {} : { expect: { lastSubjectSequence: expectedSequence } }),
        });
        return { seq: ack.seq, duplicate: ack.duplicate };
      } catch (error) {
        if (error instanceof JetStreamApiError) {
          if (error.code === JetStreamApiCodes.StreamWrongLastSequence) {
            throw new WrongExpectedVersionError(subject, expectedSequence ?? 0, { cause: error });
          }
          throw error;
        }
        if (Date.now() >= deadline) throw error;
        await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  }

  /**
   * The events of one subject after `afterSequence` (all of them by default), oldest first, and
   * the sequence to expect next. A subject with nothing new costs one request.
   */
  async read(subject: string, afterSequence = 0): Promise<SubjectHistory> {
    return this.patiently(() => this.readOnce(subject, afterSequence));
  }

  /**
   * Runs a read again while JetStream is briefly away (a reconnect, a stream leader being
   * elected on a cluster) for up to the store's patience; an answer JetStream gives (an API
   * error such as "no such stream") is final.
   */
  private async patiently<T>(read: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.options.publishPatienceMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (error) {
        if (error instanceof JetStreamApiError || Date.now() >= deadline) throw error;
        await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  }

  private async readOnce(subject: string, afterSequence: number): Promise<SubjectHistory> {
    const last = await this.lastSequenceOf(subject);
    if (last <= afterSequence) return { events: [], lastSequence: last };
    const events: StoredEvent[] = [];
    // The few events a command finds new on a subject it folded before (the run the scheduler
    // just issued), each fetched on its own; a consumer, created and deleted for one read, costs
    // JetStream more than that until a history is long.
    let next = afterSequence + 1;
    // A whole history (from the start) goes to the consumer at once.
    while (afterSequence > 0 && events.length < DIRECT_READ_LIMIT) {
      // The stream's message get takes `next_by_subj` (since nats-server 2.9); nats.js types it for direct gets only.
      const message = await this.jsm.streams.getMessage(this.options.stream, { seq: next, next_by_subj: subject } as unknown as MsgRequest);
      if (!message) return { events, lastSequence: events.at(-1)?.position ?? last };
      events.push(decodeEvent(message.data, message.seq, message.subject));
      if (message.seq >= last) return { events, lastSequence: message.seq };
      next = message.seq + 1;
    }
    const consumer = await this.js.consumers.get(this.options.stream, {
      filter_subjects: subject,
      ...(next > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: next } : { deliver_policy: DeliverPolicy.All }),
    });
    const messages = await consumer.consume({ max_messages: 512 });
    try {
      for await (const m of messages) {
        events.push(decodeEvent(m.data, m.seq, m.subject));
        if (m.seq >= last) break;
      }
    } finally {
      await messages.close().catch(() => undefined);
    }
    return { events, lastSequence: events.at(-1)?.position ?? last };
  }

  /** The stream sequence of the subject's newest event, or 0. */
  async lastSequenceOf(subject: string): Promise<number> {
    try {
      const message = await this.jsm.streams.getMessage(this.options.stream, { last_by_subj: subject });
      return message?.seq ?? 0;
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.NoMessageFound) return 0;
      throw error;
    }
  }

  /**
   * The newest position in the whole stream (0 when empty). `patient: false` asks once, for a
   * probe that must answer now rather than wait out an outage.
   */
  async headPosition(options: { patient?: boolean } = {}): Promise<number> {
    const ask = () => this.jsm.streams.info(this.options.stream);
    const info = options.patient === false ? await ask() : await this.patiently(ask);
    return info.state.last_seq;
  }

  /**
   * Reads the whole stream from `fromPosition` onwards and keeps following it, one event at a
   * time, until `signal` aborts. Used by projections, which keep their own checkpoint.
   */
  async *follow(fromPosition: number, signal: AbortSignal, filterSubject = `${this.prefix}.>`): AsyncGenerator<StoredEvent> {
    const consumer = await this.js.consumers.get(this.options.stream, {
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
   * `signal` aborts: for a run watching its own aggregate for a cancel. It holds no JetStream
   * consumer (a consumer per run, created and deleted, was the largest cost a run put on NATS):
   * a plain subscription to the subject tells it something was appended, and it reads what is new
   * from the stream. What a subscription misses while NATS is away is read after the reconnect.
   */
  async *watchSubject(subject: string, afterSequence: number, signal: AbortSignal): AsyncGenerator<StoredEvent> {
    let nudge: () => void = () => undefined;
    let nudged = true;
    const woken = () => {
      nudged = true;
      nudge();
    };
    const subscription = this.connection.subscribe(subject, { callback: woken });
    this.reconnectListeners.add(woken);
    signal.addEventListener('abort', woken, { once: true });
    let seen = afterSequence;
    try {
      while (!signal.aborted) {
        if (!nudged) await new Promise<void>((resolve) => (nudge = resolve));
        nudged = false;
        if (signal.aborted) break;
        // Read from the stream after the subscription is in place, so nothing falls between the two.
        // Once, not patiently: a read that fails while NATS is away is made again after the reconnect.
        const history = await this.readOnce(subject, seen).catch(() => ({ events: [] as StoredEvent[], lastSequence: seen }));
        for (const event of history.events) {
          seen = event.position;
          yield event;
        }
      }
    } finally {
      signal.removeEventListener('abort', woken);
      this.reconnectListeners.delete(woken);
      subscription.unsubscribe();
    }
  }

  /**
   * Runs `handle` for every event on a durable, explicitly-acked consumer shared by all
   * processes with the same `durableName` (competing consumers). The handler's disposition
   * decides between ack, redelivery after a delay and termination; a thrown error is a retry.
   * `onError` hears of a pull that failed (no event; the pull is tried again a second later), a
   * handler that threw (with its event) and a malformed event; `onPulled` of each pull that came
   * back, with a message or empty after its wait: JetStream answers again after an outage.
   */
  async consumeDurable(
    durableName: string,
    filterSubject: string,
    handle: (event: StoredEvent, message: JsMsg) => Promise<Disposition>,
    signal: AbortSignal,
    options: {
      ackWaitMs?: number;
      /** Unacked messages allowed across all processes sharing the durable. */
      maxAckPending?: number;
      /** Messages this process handles at once. */
      concurrency?: number;
      onError?: (error: unknown, event?: StoredEvent) => void;
      onPulled?: () => void;
      /**
       * The events `handle` acts on; the others are acked without it, and without waiting for
       * JetStream to confirm the ack (a lost one only brings the event back, to be passed over again).
       */
      wants?: (event: StoredEvent) => boolean;
    } = {},
  ): Promise<void> {
    const ackWaitMs = options.ackWaitMs ?? 30_000;
    const concurrency = options.concurrency ?? 16;
    try {
      await this.jsm.consumers.info(this.options.stream, durableName);
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.ConsumerNotFound) throw error;
      await this.jsm.consumers
        .add(this.options.stream, {
          durable_name: durableName,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          filter_subject: filterSubject,
          ack_wait: ackWaitMs * 1_000_000,
          max_ack_pending: options.maxAckPending ?? 1_000,
          max_deliver: -1,
        })
        .catch(async (raced) => {
          await this.jsm.consumers.info(this.options.stream, durableName).catch(() => {
            throw raced;
          });
        });
    }
    const consumer = await this.js.consumers.get(this.options.stream, durableName);
    const inFlight = new Set<Promise<void>>();
    try {
      // One pull per free slot: a process never holds messages it is not working on, so a
      // stopping process leaves nothing behind to wait out the ack timeout.
      while (!signal.aborted) {
        if (inFlight.size >= concurrency) {
          await Promise.race(inFlight);
          continue;
        }
        let m: JsMsg | null;
        try {
          m = await consumer.next({ expires: 2_000 });
          options.onPulled?.();
        } catch (error) {
          if (signal.aborted) break;
          options.onError?.(error);
          await new Promise((r) => setTimeout(r, 1_000));
          continue;
        }
        if (!m) continue;
        if (signal.aborted) {
          m.nak();
          break;
        }
        const work = this.dispatch(m, handle, options.onError, options.wants).finally(() => inFlight.delete(work));
        inFlight.add(work);
      }
    } finally {
      await Promise.allSettled(inFlight);
    }
  }

  private async dispatch(
    m: JsMsg,
    handle: (event: StoredEvent, message: JsMsg) => Promise<Disposition>,
    onError?: (error: unknown, event?: StoredEvent) => void,
    wants?: (event: StoredEvent) => boolean,
  ): Promise<void> {
    let event: StoredEvent;
    try {
      event = decodeEvent(m.data, m.seq, m.subject);
    } catch (error) {
      onError?.(error);
      m.term('malformed event');
      return;
    }
    if (wants && !wants(event)) {
      m.ack();
      return;
    }
    try {
      const outcome = await handle(event, m);
      if ('ack' in outcome) await m.ackAck().catch(() => m.ack());
      else if ('retryInMs' in outcome) m.nak(outcome.retryInMs);
      else m.term(outcome.poison);
    } catch (error) {
      onError?.(error, event);
      m.nak(Math.min(30_000, 1_000 * 2 ** Math.min(m.info.deliveryCount, 5)));
    }
  }

  async close(): Promise<void> {
    await this.connection.drain().catch(() => this.connection.close());
  }

  /** Removes the stream and everything in it; for tests that made their own. */
  async destroyStream(): Promise<void> {
    await this.jsm.streams.delete(this.options.stream).catch(() => undefined);
  }
}
