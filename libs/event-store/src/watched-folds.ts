import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { FerryEvent } from '@ferry/contracts';
import type { EventStore } from './event-store';
import { keptFold, loadState, type Decider, type Fold } from './handle-command';
import type { ConnectionWatch } from './nats-connection';

/**
 * Folds of the subjects a filter matches (`<prefix>.quota.>`) that this process reads again only
 * after something was appended to them: a plain subscription to the subjects hears of every
 * append, so a subject read since its last append is folded from what the process kept, without
 * asking JetStream. For subjects every run consults and few runs change (a namespace's quota): a
 * request per run saved. What the subscription may have missed while NATS was away is read again
 * after the reconnect, and an append heard a moment after a read began makes the next load read.
 */
export class WatchedFolds {
  /** Appends heard, by subject. */
  private readonly appends = new Map<string, number>();
  /** Moves at every reconnect: what the subscription missed meanwhile is unknown. */
  private epoch = 0;
  /** By subject, the `stampOf` under which it was last read whole. */
  private readonly readAt = new Map<string, string>();
  private readonly subscription: Subscription;
  private readonly stopListening: () => void;

  private constructor(
    connection: NatsConnection,
    private readonly watch: ConnectionWatch,
    filter: string,
  ) {
    this.subscription = connection.subscribe(filter, {
      callback: (_, message) => {
        this.appends.set(message.subject, (this.appends.get(message.subject) ?? 0) + 1);
      },
    });
    this.stopListening = watch.onReconnect(() => this.epoch++);
  }

  static async open(connection: NatsConnection, watch: ConnectionWatch, filter: string): Promise<WatchedFolds> {
    const folds = new WatchedFolds(connection, watch, filter);
    // The server has the subscription before any load trusts it.
    await connection.flush();
    return folds;
  }

  private stampOf(subject: string): string {
    return `${this.epoch}/${this.appends.get(subject) ?? 0}`;
  }

  /** The fold of `subject` (see `loadState`), from what this process kept when nothing was appended since it read. */
  async load<State, Event extends FerryEvent>(store: EventStore, subject: string, decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>): Promise<Fold<State>> {
    const stamp = this.stampOf(subject);
    const kept = keptFold<State>(store, subject, decider);
    if (kept && this.readAt.get(subject) === stamp && this.watch.connected) return kept;
    const fold = await loadState(store, subject, decider);
    if (this.stampOf(subject) === stamp) this.readAt.set(subject, stamp);
    return fold;
  }

  close(): void {
    this.stopListening();
    this.subscription.unsubscribe();
  }
}
