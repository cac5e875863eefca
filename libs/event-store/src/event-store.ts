import { randomUUID } from 'node:crypto';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type MsgRequest } from '@nats-io/jetstream';
import { withRetries, type BackoffPolicy } from '@ferry/backoff';
import { EVENT_SCHEMA_VERSION, type Actor, type FerryEvent, type NewEvent, type StoredEvent } from '@ferry/contracts';
import { recordAppend, type AppendOutcome } from '@ferry/metrics';
import { consumeDurable, type ConsumeDurableOptions, type DurableHandler } from './durable-consumer';
import { decodeEvent, encodeEvent, EVENT_TYPE_HEADER } from './event-codec';
import { ensureEventStream } from './event-stream';
import { WrongExpectedVersionError } from './errors';
import { FoldSnapshots } from './fold-snapshots';
import { openKvBucket, type KvBucket, type KvBucketOptions } from './kv-bucket';
import { WatchedFolds } from './watched-folds';
import { followLog, watchSubject } from './log-follower';
import { ConnectionWatch, connectToNats, type ConnectionChange } from './nats-connection';
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

export interface ReadOptions {
  /**
   * The caller expects a short history (a one-tag run's results, a mirror new to this process
   * and likely new), so a read from the start also begins with message gets; a long one (a
   * mirror's, which every run lengthens) read from the start goes to a consumer at once.
   */
  short?: boolean;
  /**
   * Read up to this position and no further, known to hold the subject's event before one the
   * caller was handed (see `foldDelivered`): the read does not ask for the subject's last sequence.
   */
  through?: number;
}

/** Events a read of one subject fetches one at a time before it opens a consumer for the rest (see `readOnce`). */
const DIRECT_READ_LIMIT = 8;

/**
 * An append or a read while JetStream is briefly away (a reconnect, a stream leader being elected
 * on a cluster) tries again after 200 ms, doubling, at most 2 s, until the store's patience ends.
 */
const NATS_AWAY_RETRY: BackoffPolicy = { baseMs: 200, maxMs: 2_000, maxAttempts: Infinity, jitter: false };

/** An answer JetStream gave (an API error such as "no such stream", a conflict) is final; anything else is NATS being away. */
function whileNatsAway(error: unknown): boolean {
  return !(error instanceof JetStreamApiError) && !(error instanceof WrongExpectedVersionError);
}

/**
 * The event log: a JetStream stream with one subject per aggregate. Appends use
 * `expect.lastSubjectSequence` for optimistic concurrency and the event id as `Nats-Msg-Id`,
 * so a publish that is retried after a lost ack is stored once.
 */
export class EventStore {
  private constructor(
    private readonly connection: NatsConnection,
    private readonly watch: ConnectionWatch,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly options: Required<Omit<EventStoreOptions, 'onConnectionChange'>>,
  ) {}

  static async connect(options: EventStoreOptions): Promise<EventStore> {
    const connection = await connectToNats(options.natsUrl);
    const jsm = await jetstreamManager(connection);
    const { onConnectionChange, ...settings } = options;
    const store = new EventStore(connection, new ConnectionWatch(connection, onConnectionChange), jetstream(connection), jsm, { duplicateWindowMs: 600_000, publishPatienceMs: 15_000, ...settings, replicas: options.replicas ?? 0 });
    await ensureEventStream(jsm, store.options);
    return store;
  }

  /** False between a disconnect and the reconnect that ends it (the client reconnects forever). */
  get connected(): boolean {
    return this.watch.connected;
  }

  get prefix(): string {
    return this.options.subjectPrefix;
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
    hdrs.set(EVENT_TYPE_HEADER, event.type);
    if (event.traceparent) hdrs.set('traceparent', event.traceparent);
    return withRetries(
      async () => {
        try {
          const ack = await this.js.publish(subject, encodeEvent(event), {
            msgID: event.id,
            headers: hdrs,
            ...(expectedSequence === undefined ? {} : { expect: { lastSubjectSequence: expectedSequence } }),
          });
          return { seq: ack.seq, duplicate: ack.duplicate };
        } catch (error) {
          if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamWrongLastSequence) {
            throw new WrongExpectedVersionError(subject, expectedSequence ?? 0, { cause: error });
          }
          throw error;
        }
      },
      { policy: NATS_AWAY_RETRY, retryable: whileNatsAway, giveUpAt: Date.now() + patienceMs },
    );
  }

  /**
   * The events of one subject after `afterSequence` (all of them by default), oldest first, and
   * the sequence to expect next. A subject with nothing new costs one request.
   */
  async read(subject: string, afterSequence = 0, options: ReadOptions = {}): Promise<SubjectHistory> {
    return this.patiently(() => this.readOnce(subject, afterSequence, options.short ?? false, options.through));
  }

  /**
   * Runs a read again while JetStream is briefly away (a reconnect, a stream leader being
   * elected on a cluster) for up to the store's patience; an answer JetStream gives (an API
   * error such as "no such stream") is final.
   */
  private async patiently<T>(read: () => Promise<T>): Promise<T> {
    return withRetries(read, { policy: NATS_AWAY_RETRY, retryable: whileNatsAway, giveUpAt: Date.now() + this.options.publishPatienceMs });
  }

  /** See `ReadOptions`. */
  private async readOnce(subject: string, afterSequence: number, short = false, through?: number): Promise<SubjectHistory> {
    const last = through ?? (await this.lastSequenceOf(subject));
    if (last <= afterSequence) return { events: [], lastSequence: through === undefined ? last : afterSequence };
    const events: StoredEvent[] = [];
    // The few events a command finds new on a subject it folded before (the run the scheduler
    // just issued), or a short history read whole (a one-tag run's results, which a worker reads
    // for its ledger every run), each fetched on its own; a consumer, created and deleted for one
    // read, costs JetStream more than that until a history is long.
    let next = afterSequence + 1;
    while ((afterSequence > 0 || short) && events.length < DIRECT_READ_LIMIT) {
      // The stream's message get takes `next_by_subj` (since nats-server 2.9); nats.js types it for direct gets only.
      const message = await this.jsm.streams.getMessage(this.options.stream, { seq: next, next_by_subj: subject } as unknown as MsgRequest);
      if (!message) return { events, lastSequence: events.at(-1)?.position ?? last };
      // Past `through`: that event is not this read's.
      if (through !== undefined && message.seq > through) return { events, lastSequence: events.at(-1)?.position ?? afterSequence };
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
        if (through !== undefined && m.seq > through) break;
        events.push(decodeEvent(m.data, m.seq, m.subject));
        if (m.seq >= last) break;
      }
    } finally {
      await messages.close().catch(() => undefined);
    }
    return { events, lastSequence: events.at(-1)?.position ?? (through === undefined ? last : afterSequence) };
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
  follow(fromPosition: number, signal: AbortSignal, filterSubject = `${this.prefix}.>`): AsyncGenerator<StoredEvent> {
    return followLog(this.js, this.options.stream, fromPosition, signal, filterSubject);
  }

  /**
   * The events appended to one subject after `afterSequence`, in order, as they come, until
   * `signal` aborts: for a run watching its own aggregate for a cancel. It holds no JetStream
   * consumer; see `watchSubject` in log-follower.ts.
   */
  watchSubject(subject: string, afterSequence: number, signal: AbortSignal): AsyncGenerator<StoredEvent> {
    return watchSubject(this.connection, this.watch, (s, after) => this.readOnce(s, after), subject, afterSequence, signal);
  }

  /**
   * Runs `handle` for every event on a durable, explicitly-acked consumer shared by all
   * processes with the same `durableName` (competing consumers). The handler's disposition
   * decides between ack, redelivery after a delay and termination; a thrown error is a retry.
   * `onError` hears of a pull that failed (no event; the pull is tried again a second later), a
   * handler that threw (with its event) and a malformed event; `onPulled` of each pull that came
   * back, with a message or empty after its wait: JetStream answers again after an outage.
   */
  consumeDurable(durableName: string, filterSubject: string, handle: DurableHandler, signal: AbortSignal, options: ConsumeDurableOptions = {}): Promise<void> {
    return consumeDurable(this.js, this.jsm, this.options.stream, durableName, filterSubject, handle, signal, options);
  }

  /** A JetStream KV bucket on the store's connection, created when it does not exist yet. */
  openKvBucket(name: string, options: KvBucketOptions): Promise<KvBucket> {
    return openKvBucket(this.connection, name, options);
  }

  /** Folds kept in the bucket `name` for processes new to a subject (see `FoldSnapshots`); `code` names the folding code. */
  async openFoldSnapshots(name: string, options: KvBucketOptions & { code: string }): Promise<FoldSnapshots> {
    return new FoldSnapshots(await this.openKvBucket(name, options), this.connection, name, this.prefix, options.code);
  }

  /** Folds of the subjects `filter` matches, read again only after an append to them (see `WatchedFolds`). */
  watchFolds(filter: string): Promise<WatchedFolds> {
    return WatchedFolds.open(this.connection, this.watch, filter);
  }

  async close(): Promise<void> {
    await this.connection.drain().catch(() => this.connection.close());
  }

  /** Removes the stream and everything in it; for tests that made their own. */
  async destroyStream(): Promise<void> {
    await this.jsm.streams.delete(this.options.stream).catch(() => undefined);
  }
}
