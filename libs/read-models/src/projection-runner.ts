import type { DataSource, EntityManager } from 'typeorm';
import { backoffCeiling } from '@ferry/backoff';
import type { StoredEvent } from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import { recordProjected } from '@ferry/metrics';

/** Turns events into rows. `apply` must write only through the manager it is given. */
export interface Projection {
  /** Tables the projection owns; a rebuild empties them before replaying. */
  readonly tables: readonly string[];
  apply(em: EntityManager, event: StoredEvent): Promise<void>;
  /**
   * Applies a batch's events, in order, in a few statements instead of some per event; the rows
   * must come out as `apply` event by event would leave them. A projection with it is applied
   * before the batch's others, so it must read no other projection's tables (and none may read its).
   */
  applyAll?(em: EntityManager, events: readonly StoredEvent[]): Promise<void>;
  /**
   * The event types `apply` writes for; every other type must leave the tables as they are. When
   * every projection of a group names them, a batch holding none of them is passed over without a
   * transaction (the scheduler's indexes want two of a run's four or five events): its checkpoint
   * stays where it is until a batch that writes moves it past, and a restart reads those events
   * again, to the same no effect.
   */
  readonly handles?: ReadonlySet<string>;
}

/** Projections that share one checkpoint and one transaction per event. */
export interface ProjectionGroup {
  name: string;
  projections: readonly Projection[];
}

/**
 * Where a runner tells how its attempts go (a service's OutageLog decides the level: a dependency
 * that is away is an outage told once, anything else a fault told each time).
 */
export interface ProjectionLogger {
  /** An attempt stopped on `error`; `fault` is the line for it should it be no outage. */
  failed(error: unknown, fault: string): void;
  /** The runner read its checkpoint (Postgres answers), or applied events (everything it needs answers). */
  succeeded(dependency?: 'Postgres'): void;
}

/**
 * The runner's subscription went quiet while the log moved on (seen when a cluster's stream leader
 * died): NATS's doing, which the runner rides out by following the log again from its checkpoint.
 * `dependency` says so to the service's log.
 */
class ProjectionStalledError extends Error {
  readonly dependency = 'NATS';

  constructor(applied: number, head: number) {
    super(`its subscription went quiet at event ${applied} with the log at ${head}`);
    this.name = 'ProjectionStalledError';
  }
}

/** The event a projection cannot apply, while it keeps retrying it (readiness shows it). */
export interface ProjectionFailure {
  position: number;
  eventId: string;
  type: string;
  error: string;
  /** ISO-8601: when the first attempt failed. */
  since: string;
  attempts: number;
}

/**
 * How often a following projection checks that it still moves while the log is ahead of it: a
 * subscription can go quiet without an error (seen when a cluster's stream leader died), and a
 * projection that stopped moving is restarted from its checkpoint.
 */
const STALL_CHECK_MS = 3_000;

/** Most events applied in one transaction. */
const MAX_BATCH = 200;

/**
 * How long a projection gathers events after its previous batch began, when they come one after
 * another: each batch costs a transaction and its checkpoint statement, and under load the
 * scheduler's batches held two or three events each (eight of its thirteen statements per run).
 * An event after a quiet spell is applied at once, and a batch holding an event some `waitFor`
 * waits for ends there.
 */
const LINGER_MS = 25;

/**
 * Cuts a batch's gathering short when a caller waits for what it holds: an API command answers only
 * once its events are projected (read-your-writes), and must not wait out the linger.
 */
interface Hurry<T> {
  /** Some caller waits for `item` (or for something before it). */
  awaited(item: T): boolean;
  /** Calls `listener` each time a caller begins to wait; returns a function that removes it. */
  onWaiter(listener: () => void): () => void;
}

/**
 * Groups what an iterator has ready into batches: the first item is awaited, then items are
 * taken for as long as each is already there (resolved before the next turn of the event loop),
 * and, when the previous batch began less than `lingerMs` ago, for as long as that lasts, or until
 * a caller waits for an item the batch holds.
 */
async function* readyBatches<T>(source: AsyncIterable<T>, max: number, lingerMs: number, hurry?: Hurry<T>): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  const notYet = Symbol('not yet');
  const nextTurn = () => new Promise<typeof notYet>((resolve) => setImmediate(() => resolve(notYet)));
  let previousBegan = -Infinity;
  try {
    for (;;) {
      const first = await (pending ?? iterator.next());
      pending = undefined;
      if (first.done) return;
      const batch = [first.value];
      const gatherMs = previousBegan + lingerMs - Date.now();
      let gathering: { over: Promise<typeof notYet>; end(): void } | undefined;
      if (gatherMs > 0 && !hurry?.awaited(first.value)) {
        let end!: () => void;
        const over = new Promise<typeof notYet>((resolve) => (end = () => resolve(notYet)));
        const timer = setTimeout(end, gatherMs);
        const unlisten = hurry?.onWaiter(() => hurry.awaited(batch.at(-1)!) && end());
        void over.then(() => (clearTimeout(timer), unlisten?.()));
        gathering = { over, end };
      }
      try {
        while (batch.length < max) {
          pending = iterator.next();
          let next = await Promise.race([pending, gathering ? gathering.over : nextTurn()]);
          // Past the gathering time, what is already there still joins the batch.
          if (next === notYet && gathering) {
            gathering = undefined;
            next = await Promise.race([pending, nextTurn()]);
          }
          if (next === notYet) break;
          pending = undefined;
          if (next.done) {
            yield batch;
            return;
          }
          batch.push(next.value);
          if (gathering && hurry?.awaited(next.value)) gathering.end();
        }
      } finally {
        gathering?.end();
      }
      previousBegan = Date.now();
      yield batch;
    }
  } finally {
    // Not awaited: a `next()` still pending settles when the source's signal aborts (see `run`).
    void iterator.return?.();
  }
}

/** Backoff between attempts at an event that failed: 1 s, doubling, at most 10 s (so a projection resumes within seconds of an outage's end). */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 10_000;

/**
 * Applies events to a group of projections, each event in one transaction together with the
 * checkpoint. The checkpoint moves by compare-and-set (`position < new`), so an event seen twice,
 * or by two processes at once, is applied once. On an error the runner stops, waits and resumes
 * from the stored checkpoint: it never skips past an event it could not apply.
 */
export class ProjectionRunner {
  private applied = 0;
  private failure: ProjectionFailure | null = null;
  /** A batch's transaction is open: the projection is working, however long that takes. */
  private applying = false;
  private readonly waiters = new Set<{ position: number; resolve: () => void }>();
  /** Told when a caller begins to wait (a batch gathering events ends when it holds what the caller wants). */
  private readonly waiterListeners = new Set<() => void>();
  private readonly appliedListeners = new Set<(position: number) => void>();
  private readonly followListeners = new Set<(events: readonly StoredEvent[], follow: number) => void>();
  /** Follows of the log begun so far (each attempt of `run` is one). */
  private follows = 0;
  /** See {@link handled}; computed on first use. */
  private handledTypes: ReadonlySet<string> | null | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly group: ProjectionGroup,
    private readonly logger?: ProjectionLogger,
    /** Most events applied in one transaction (1: a transaction per event). */
    private readonly maxBatch = MAX_BATCH,
    /** See {@link LINGER_MS}; 0 applies whatever is there at once. */
    private readonly lingerMs = LINGER_MS,
  ) {}

  /** Ends a batch's gathering once it holds an event some caller of `waitFor` waits for. */
  private readonly hurry: Hurry<StoredEvent> = {
    awaited: (event) => {
      for (const waiter of this.waiters) if (waiter.position <= event.position) return true;
      return false;
    },
    onWaiter: (listener) => {
      this.waiterListeners.add(listener);
      return () => this.waiterListeners.delete(listener);
    },
  };

  get name(): string {
    return this.group.name;
  }

  /** What this process has projected, and the event it is stuck on, if any. */
  health(): { applied: number; failing: ProjectionFailure | null } {
    return { applied: this.applied, failing: this.failure };
  }

  async checkpoint(em: EntityManager = this.dataSource.manager): Promise<number> {
    const rows: Array<{ position: string }> = await em.query('SELECT position FROM projection_checkpoints WHERE name = $1', [this.group.name]);
    return rows.length ? Number(rows[0]!.position) : 0;
  }

  /** Applies one event unless the checkpoint is already past it; true when it was applied. */
  async applyEvent(event: StoredEvent): Promise<boolean> {
    const applied = await this.dataSource.transaction((em) => this.applyWithin(em, [event]));
    recordProjected(this.group.name, applied);
    this.advance(event.position);
    return applied.length > 0;
  }

  /**
   * Applies events that arrived together in one transaction: under load a transaction per event
   * (a commit and its fsync each) is what made read models trail the log by tens of seconds. The
   * rows are the same as event by event.
   */
  private async applyBatch(events: readonly StoredEvent[]): Promise<void> {
    if (!this.writesFor(events)) {
      this.advance(events.at(-1)!.position, { rowsMoved: false });
      return;
    }
    const applied = await this.dataSource.transaction((em) => this.applyWithin(em, events));
    recordProjected(this.group.name, applied);
    this.advance(events.at(-1)!.position);
  }

  /** Some projection of the group may write for one of `events` (any may, unless each says what it handles). */
  private writesFor(events: readonly StoredEvent[]): boolean {
    const handled = this.handled;
    return handled === null || events.some((event) => handled.has(event.type));
  }

  /** The event types the group's projections write for, or null when one of them does not say. */
  private get handled(): ReadonlySet<string> | null {
    if (this.handledTypes === undefined) {
      const sets = this.group.projections.map((projection) => projection.handles);
      this.handledTypes = sets.every((set) => set !== undefined) ? new Set(sets.flatMap((set) => [...set!])) : null;
    }
    return this.handledTypes;
  }

  /**
   * Applies the events past the checkpoint and moves the checkpoint to the last of them, in the
   * caller's transaction; returns those applied. One statement locks the checkpoint row, moves it
   * to the batch's last position (never back) and returns where it stood: a second process sharing
   * the checkpoint waits for this transaction and then finds the events done, so an event seen
   * twice, or by two processes at once, is applied once. Moving it before the rows are written is
   * safe because both commit or neither does. One statement per batch (a lock and a later move were
   * two; a compare-and-set per event, two per event).
   */
  private async applyWithin(em: EntityManager, events: readonly StoredEvent[]): Promise<StoredEvent[]> {
    const checkpoint = await this.lockAndMove(em, events.at(-1)!.position);
    const fresh = events.filter((event) => event.position > checkpoint);
    if (fresh.length) {
      const eventWise = this.group.projections.filter((projection) => !projection.applyAll);
      for (const projection of this.group.projections) await projection.applyAll?.(em, fresh);
      for (const event of fresh) for (const projection of eventWise) await projection.apply(em, event);
    }
    return fresh;
  }

  /**
   * Locks the group's checkpoint row, moves it to `position` unless it is already there or past it,
   * and returns the position it held before. The sub-select's `FOR UPDATE` is what makes the old
   * value the latest committed one when another process held the row (Postgres re-reads a locked
   * row once its holder commits). The row's first batch ever creates it, in a second statement.
   */
  private async lockAndMove(em: EntityManager, position: number): Promise<number> {
    // TypeORM answers an UPDATE with its rows and its count.
    const [moved]: [Array<{ position: string }>, number] = await em.query(
      `UPDATE projection_checkpoints AS checkpoint SET position = GREATEST(previous.position, $2)
       FROM (SELECT name, position FROM projection_checkpoints WHERE name = $1 FOR UPDATE) AS previous
       WHERE checkpoint.name = previous.name RETURNING previous.position`,
      [this.group.name, position],
    );
    if (moved.length) return Number(moved[0]!.position);
    // No row yet: create it where it stands (0), locked, then move it.
    const [created]: Array<{ position: string }> = await em.query(
      'INSERT INTO projection_checkpoints (name, position) VALUES ($1, 0) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING position',
      [this.group.name],
    );
    const before = Number(created!.position);
    if (position > before) await em.query('UPDATE projection_checkpoints SET position = $2 WHERE name = $1', [this.group.name, position]);
    return before;
  }

  /**
   * Calls `listener` each time this process's projection moves on and its rows may have changed
   * (committed, by this process or another sharing the checkpoint; a batch passed over for holding
   * no event the group handles is not told), with the position reached: a reactor such as the
   * scheduler looks at the read model then instead of polling it. Returns a function that removes it.
   */
  onApplied(listener: (position: number) => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  /**
   * Calls `listener` with each batch `run` has applied (or passed over), in log order, and the
   * number of the follow it came in: within one follow the batches are the whole log from where it
   * began, without a gap, so a listener may keep what it learns of a subject's latest event until
   * the number changes (a follow begun again from the checkpoint after an error). Returns a function
   * that removes it.
   */
  onFollowed(listener: (events: readonly StoredEvent[], follow: number) => void): () => void {
    this.followListeners.add(listener);
    return () => this.followListeners.delete(listener);
  }

  private advance(position: number, { rowsMoved = true }: { rowsMoved?: boolean } = {}): void {
    const moved = position > this.applied;
    this.applied = Math.max(this.applied, position);
    if (moved && rowsMoved) for (const listener of this.appliedListeners) listener(this.applied);
    for (const waiter of this.waiters) {
      if (waiter.position <= this.applied) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Resolves once this process has projected `position` (read-your-writes for the API), or after `timeoutMs`. */
  async waitFor(position: number, timeoutMs = 5_000): Promise<boolean> {
    if (position <= this.applied) return true;
    return new Promise<boolean>((resolve) => {
      const waiter = { position, resolve: () => (clearTimeout(timer), resolve(true)) };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(waiter);
      for (const listener of this.waiterListeners) listener();
    });
  }

  /**
   * Follows the log from the checkpoint until `signal` aborts. An event that cannot be applied is
   * recorded (`health().failing`: which event, why, since when), logged, and tried again from the
   * checkpoint with a growing backoff; the projection never skips it.
   */
  async run(signal: AbortSignal, retryBaseMs = RETRY_BASE_MS): Promise<void> {
    while (!signal.aborted) {
      let current: StoredEvent | undefined;
      // Each attempt follows the log under its own signal, so leaving it ends the follow at once.
      const attempt = new AbortController();
      const stop = () => attempt.abort();
      signal.addEventListener('abort', stop, { once: true });
      const watchdog = this.watchForStall(attempt);
      try {
        const from = (await this.checkpoint()) + 1;
        this.logger?.succeeded('Postgres');
        this.advance(from - 1);
        const follow = ++this.follows;
        for await (const batch of readyBatches(this.store.follow(from, attempt.signal), this.maxBatch, this.lingerMs, this.hurry)) {
          current = batch[0];
          this.applying = true;
          try {
            await this.applyBatch(batch);
          } catch (error) {
            if (batch.length === 1) throw error;
            // Find the event that fails, applying the batch one event at a time.
            for (const event of batch) {
              current = event;
              await this.applyEvent(event);
            }
          } finally {
            this.applying = false;
          }
          for (const listener of this.followListeners) listener(batch, follow);
          this.failure = null;
          this.logger?.succeeded();
        }
      } catch (error) {
        if (signal.aborted) return;
        const message = (error as Error)?.message ?? String(error);
        const attempts = current && this.failure?.position === current.position ? this.failure.attempts + 1 : 1;
        if (current) this.failure = { position: current.position, eventId: current.id, type: current.type, error: message, since: attempts === 1 ? new Date().toISOString() : this.failure!.since, attempts };
        const delay = backoffCeiling({ baseMs: retryBaseMs, maxMs: RETRY_MAX_MS }, attempts);
        const at = current ? ` at event ${current.position} (${current.type}, id ${current.id}), attempt ${attempts}` : '';
        this.logger?.failed(error, `projection ${this.group.name} stopped${at}; retrying from its checkpoint in ${delay} ms`);
        attempt.abort();
        await new Promise((r) => setTimeout(r, delay));
      } finally {
        clearInterval(watchdog);
        attempt.abort();
        signal.removeEventListener('abort', stop);
      }
    }
  }

  /**
   * Aborts `attempt` when the log is ahead, nothing was applied between two checks and no batch is
   * being applied: a slow batch (a long backlog on a busy database) is work, not a stall, and
   * restarting it would only throw that work away, again and again.
   */
  private watchForStall(attempt: AbortController): NodeJS.Timeout {
    let seen = this.applied;
    const timer = setInterval(() => {
      void this.store
        .headPosition()
        .then((head) => {
          if (head > this.applied && this.applied === seen && !this.applying && !attempt.signal.aborted) {
            this.logger?.failed(new ProjectionStalledError(this.applied, head), `projection ${this.group.name} stopped moving at ${this.applied} with the log at ${head}; following it again from its checkpoint`);
            attempt.abort();
          }
          seen = this.applied;
        })
        .catch(() => undefined);
    }, STALL_CHECK_MS);
    timer.unref();
    return timer;
  }

  /** Applies everything up to the log's current head and returns that head. */
  async catchUp(): Promise<number> {
    const head = await this.store.headPosition();
    const from = (await this.checkpoint()) + 1;
    if (head >= from) {
      const stop = new AbortController();
      for await (const event of this.store.follow(from, stop.signal)) {
        await this.applyEvent(event);
        if (event.position >= head) break;
      }
      stop.abort();
    }
    this.advance(head);
    return head;
  }

  /**
   * Empties the group's tables and replays the whole log into them in one transaction. The
   * checkpoint row stays locked throughout, so a live runner waits and then finds nothing to do;
   * readers see the old tables until the new ones commit.
   */
  async rebuild(): Promise<number> {
    const head = await this.store.headPosition();
    await this.dataSource.transaction(async (em) => {
      await em.query('INSERT INTO projection_checkpoints (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING', [this.group.name]);
      await em.query('UPDATE projection_checkpoints SET position = 0 WHERE name = $1', [this.group.name]);
      const tables = this.group.projections.flatMap((p) => p.tables);
      if (tables.length) await em.query(`TRUNCATE ${tables.join(', ')}`);
      if (head === 0) return;
      const stop = new AbortController();
      for await (const event of this.store.follow(1, stop.signal)) {
        await this.applyWithin(em, [event]);
        if (event.position >= head) break;
      }
      stop.abort();
    });
    this.advance(head);
    return head;
  }
}
