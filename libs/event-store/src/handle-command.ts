import type { FerryEvent, NewEvent, StoredEvent } from '@ferry/contracts';
import type { Causation, EventStore } from './event-store';
import { TooMuchContentionError, WrongExpectedVersionError } from './errors';

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
 * Read the aggregate's subject, fold it, decide, append with the read's sequence as the
 * expectation. A conflict means someone else appended in between: start again from a fresh read.
 * Domain errors thrown by `decide` propagate unchanged.
 */
export async function handleCommand<Command, State, Event extends FerryEvent>(
  store: EventStore,
  subject: string,
  aggregateId: string,
  decider: Decider<Command, State, Event>,
  command: Command | ((state: State) => Command),
  causation: Causation & { now?: Date },
  maxAttempts = 10,
): Promise<CommandResult<State>> {
  for (let attempt = 1; ; attempt++) {
    const history = await store.read(subject);
    let state = history.events.reduce((s, e) => decider.evolve(s, e as unknown as Event), decider.initialState());
    const resolved = typeof command === 'function' ? (command as (state: State) => Command)(state) : command;
    const drafts = decider.decide(resolved, state);
    if (drafts.length === 0) return { events: [], state };
    try {
      const events = await store.append(subject, drafts, {
        ...causation,
        aggregateId,
        expectedSequence: history.lastSequence,
      });
      state = events.reduce((s, e) => decider.evolve(s, e as unknown as Event), state);
      return { events, state };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      if (attempt >= maxAttempts) throw new TooMuchContentionError(subject, attempt, { cause: error });
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

/** Folds a subject's history without deciding anything. */
export async function loadState<State, Event extends FerryEvent>(
  store: EventStore,
  subject: string,
  decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>,
): Promise<{ state: State; lastSequence: number }> {
  const history = await store.read(subject);
  return {
    state: history.events.reduce((s, e) => decider.evolve(s, e as unknown as Event), decider.initialState()),
    lastSequence: history.lastSequence,
  };
}
