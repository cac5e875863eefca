import { withRetries, type BackoffPolicy } from '@ferry/backoff';
import type { FerryEvent, NewEvent, StoredEvent } from '@ferry/contracts';
import type { Causation, EventStore } from './event-store';
import { TooMuchContentionError, WrongExpectedVersionError } from './errors';

/** A subject's fold: `state` is the fold of every event up to `lastSequence`. */
export interface Fold<State> {
  state: State;
  lastSequence: number;
}

/** The pure part of an aggregate: a fold over its events and a decision on a command. */
export interface Decider<Command, State, Event extends FerryEvent> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  decide: (command: Command, state: State) => NewEvent<Event>[];
}

export interface CommandResult<State> {
  events: StoredEvent[];
  state: State;
}

/**
 * A conflict is tried again after a short random pause whose ceiling grows by 20 ms per attempt
 * (180 ms before the tenth; the cap is for callers allowing more), so that writers who collided
 * do not collide again.
 */
const CONFLICT_RETRY: BackoffPolicy = { baseMs: 20, maxMs: 200, maxAttempts: 10, growth: 'linear' };

/** Folded states by subject, per decider: a command reads only the events since its last visit. */
const MAX_CACHED_SUBJECTS = 20_000;
const folded = new WeakMap<object, Map<string, Fold<unknown>>>();

/** This process's kept folds for `decider`. */
function cacheOf(decider: object): Map<string, Fold<unknown>> {
  let cache = folded.get(decider);
  if (!cache) folded.set(decider, (cache = new Map()));
  return cache;
}

async function foldSubject<State, Event extends FerryEvent>(
  store: EventStore,
  subject: string,
  decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>,
  keep = true,
): Promise<Fold<State>> {
  const cache = cacheOf(decider);
  const key = `${store.options.stream}/${subject}`;
  const cached = cache.get(key) as Fold<State> | undefined;
  const history = await store.read(subject, cached?.lastSequence ?? 0);
  const state = history.events.reduce((s, e) => decider.evolve(s, e as unknown as Event), cached?.state ?? decider.initialState());
  if (keep) remember(cache, key, state, history.lastSequence);
  return { state, lastSequence: history.lastSequence };
}

function remember(cache: Map<string, Fold<unknown>>, key: string, state: unknown, lastSequence: number): void {
  cache.delete(key);
  cache.set(key, { state, lastSequence });
  if (cache.size > MAX_CACHED_SUBJECTS) cache.delete(cache.keys().next().value!);
}

/** The command itself, or what a command-of-the-state makes of `state`. */
function resolve<Command, State>(command: Command | ((state: State) => Command), state: State): Command {
  return typeof command === 'function' ? (command as (state: State) => Command)(state) : command;
}

/** Appends what was decided on `state` (the fold up to `expectedSequence`), and keeps the fold with it. */
async function appendDecided<State, Event extends FerryEvent>(
  store: EventStore,
  subject: string,
  aggregateId: string,
  decider: Pick<Decider<unknown, State, Event>, 'evolve'>,
  fold: Fold<State>,
  drafts: NewEvent<Event>[],
  causation: Causation,
  keepFold: boolean,
): Promise<CommandResult<State>> {
  const events = await store.append(subject, drafts, { ...causation, aggregateId, expectedSequence: fold.lastSequence });
  const state = events.reduce((s, e) => decider.evolve(s, e as unknown as Event), fold.state);
  if (keepFold) remember(cacheOf(decider), `${store.options.stream}/${subject}`, state, events.at(-1)!.position);
  return { events, state };
}

/**
 * Read the aggregate's subject, fold it, decide, append with the read's sequence as the
 * expectation. States are immutable, so the fold of a subject is kept and the next command on it
 * reads only newer events. A conflict means someone else appended in between: start again from a fresh read.
 * Domain errors thrown by `decide` propagate unchanged. `keepFold: false` for a command on one of
 * very many subjects visited once (a discovery setting up 10,000 repositories): their folds would
 * fill the cache, and the process's memory, for nothing.
 */
export async function handleCommand<Command, State, Event extends FerryEvent>(
  store: EventStore,
  subject: string,
  aggregateId: string,
  decider: Decider<Command, State, Event>,
  command: Command | ((state: State) => Command),
  causation: Causation & { now?: Date },
  { maxAttempts = CONFLICT_RETRY.maxAttempts, keepFold = true, trustFold = false }: { maxAttempts?: number; keepFold?: boolean; trustFold?: boolean } = {},
): Promise<CommandResult<State>> {
  if (trustFold) {
    const decided = await decideOnKeptFold(store, subject, aggregateId, decider, command, causation);
    if (decided) return decided;
  }
  let attempts = 0;
  try {
    return await withRetries(
      async (attempt) => {
        attempts = attempt;
        const history = await foldSubject(store, subject, decider, keepFold);
        const drafts = decider.decide(resolve(command, history.state), history.state);
        if (drafts.length === 0) return { events: [], state: history.state };
        return appendDecided(store, subject, aggregateId, decider, history, drafts, causation, keepFold);
      },
      { policy: { ...CONFLICT_RETRY, maxAttempts }, retryable: (error) => error instanceof WrongExpectedVersionError },
    );
  } catch (error) {
    // Only a conflict on the last attempt escapes as one.
    if (error instanceof WrongExpectedVersionError) throw new TooMuchContentionError(subject, attempts, { cause: error });
    throw error;
  }
}

/**
 * `trustFold`: decides on the fold this process kept of the subject, without reading it first,
 * and appends with that fold's sequence as the expectation; the append succeeds only if nothing
 * was appended since, so the decision was made on the whole history. For a writer that is
 * usually the subject's last (a worker ending the run it started): a read saved per command.
 * Null, and the caller reads and decides as usual, when there is no fold, when the fold was stale
 * (a conflict), or when the decision on it was an error or nothing to append (either may differ
 * on the fresh history).
 */
async function decideOnKeptFold<Command, State, Event extends FerryEvent>(
  store: EventStore,
  subject: string,
  aggregateId: string,
  decider: Decider<Command, State, Event>,
  command: Command | ((state: State) => Command),
  causation: Causation,
): Promise<CommandResult<State> | null> {
  const kept = keptFold<State>(store, subject, decider);
  if (!kept) return null;
  let drafts: NewEvent<Event>[];
  try {
    drafts = decider.decide(resolve(command, kept.state), kept.state);
  } catch {
    return null;
  }
  if (drafts.length === 0) return null;
  try {
    return await appendDecided(store, subject, aggregateId, decider, kept, drafts, causation, true);
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) return null;
    throw error;
  }
}

/**
 * Adds `event` to this process's kept fold of the subject when the fold ends just before it
 * (`previousPosition`, the subject's event its append expected), reading nothing: true when the
 * fold now ends at `event`. A process that follows the log (the scheduler's projection) keeps its
 * folds current this way; one that has no such fold, or a fold that ends elsewhere, leaves it as it is.
 */
export function extendKeptFold<State, Event extends FerryEvent>(
  store: EventStore,
  subject: string,
  decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>,
  event: StoredEvent,
  previousPosition: number | undefined,
): boolean {
  const cache = cacheOf(decider);
  const key = `${store.options.stream}/${subject}`;
  const kept = cache.get(key) as Fold<State> | undefined;
  if (kept?.lastSequence === event.position) return true;
  if (!kept || previousPosition === undefined || kept.lastSequence !== previousPosition) return false;
  remember(cache, key, decider.evolve(kept.state, event as unknown as Event), event.position);
  return true;
}

/**
 * Adds an event this process was handed (a durable consumer's delivery) to its fold of the
 * subject, so that a command with `trustFold` decides on it without reading: true when the fold
 * now ends at `event`. `previousPosition` is what the event's append expected, the subject's event
 * before it: a kept fold ending there takes the event as it is (`extendKeptFold`); one ending
 * earlier (another process wrote since), or none (a subject new to this process), is first brought
 * up to it by reading only what lies between, message gets for the first few events (without
 * asking for the subject's last sequence, which the delivery told). A cold fold of a long history
 * costs those few gets once per process before its consumer; a new mirror's short one (its
 * creation and its first scheduling) costs no consumer, no stream info and no last-sequence get.
 * `snapshot` (see `FoldSnapshots`), a fold some process kept of the subject, is started from when
 * it ends nearer the event than this process's own: with the last writer's, nothing is read.
 *
 * Events appended after `event` are not read: a command deciding on this fold appends against
 * `event`'s position, so JetStream refuses it if anything came since, and the command reads again.
 */
export async function foldDelivered<State, Event extends FerryEvent>(
  store: EventStore,
  subject: string,
  decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>,
  event: StoredEvent,
  previousPosition: number | undefined,
  snapshot?: Fold<State>,
): Promise<boolean> {
  if (extendKeptFold(store, subject, decider, event, previousPosition)) return true;
  if (previousPosition === undefined) return false;
  const cache = cacheOf(decider);
  const key = `${store.options.stream}/${subject}`;
  let from = cache.get(key) as Fold<State> | undefined;
  // A fold past the event's predecessor holds events after it: not one to add it to.
  if (from && from.lastSequence > previousPosition) return false;
  // A snapshot nearer the event than this process's fold leaves less to read (none when its writer's run came last).
  if (snapshot && snapshot.lastSequence <= previousPosition && snapshot.lastSequence > (from?.lastSequence ?? 0)) from = snapshot;
  const history = await store.read(subject, from?.lastSequence ?? 0, { short: true, through: previousPosition });
  if (history.lastSequence !== previousPosition) return false;
  const state = history.events.reduce((s, e) => decider.evolve(s, e as unknown as Event), from?.state ?? decider.initialState());
  remember(cache, key, decider.evolve(state, event as unknown as Event), event.position);
  return true;
}

/** This process's kept fold of `subject` (for a snapshot of it), if it has one. */
export function keptFold<State>(store: EventStore, subject: string, decider: object): Fold<State> | undefined {
  return folded.get(decider)?.get(`${store.options.stream}/${subject}`) as Fold<State> | undefined;
}

/** Folds a subject's history without deciding anything. */
export async function loadState<State, Event extends FerryEvent>(
  store: EventStore,
  subject: string,
  decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>,
): Promise<Fold<State>> {
  return foldSubject(store, subject, decider);
}
