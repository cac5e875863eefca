import { Inject, Injectable } from '@nestjs/common';
import { aggregateSubject, type AggregateKind, type FerryEvent } from '@ferry/contracts';
import { handleCommand, loadState, type Causation, type CommandResult, type Decider, type EventStore } from '@ferry/event-store';
import type { ProjectionRunner } from '@ferry/read-models';
import { DependencyUnavailableError, EVENT_STORE } from '@ferry/service-runtime';
import { ReadModelBehindError } from './http/problem';
import { API_PROJECTIONS } from './tokens';

/**
 * How the API's services change an aggregate: decide and append on its subject, then wait until
 * the API's read models hold the result, so the answer (and the caller's next read) sees it.
 */
@Injectable()
export class Commands {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_PROJECTIONS) private readonly projections: ProjectionRunner,
  ) {}

  /** While NATS is away the client reconnects on its own; until then a command is refused at once (503). */
  private assertConnected(): void {
    if (!this.store.connected) throw new DependencyUnavailableError('NATS');
  }

  async run<Command, State, Event extends FerryEvent>(
    kind: AggregateKind,
    id: string,
    decider: Decider<Command, State, Event>,
    command: Command | ((state: State) => Command),
    causation: Causation,
  ): Promise<CommandResult<State>> {
    const result = await this.append(kind, id, decider, command, causation);
    const last = result.events.at(-1);
    if (last && !(await this.projections.waitFor(last.position))) {
      throw new ReadModelBehindError(`the change is stored (event ${last.position}), but the read models have not caught up with it yet; read it again shortly`);
    }
    return result;
  }

  /**
   * Decides and appends like `run`, without waiting for the read models: for a caller whose
   * answer reads none of them (a hook's delivery, which an upstream sends many of in a burst).
   */
  async append<Command, State, Event extends FerryEvent>(
    kind: AggregateKind,
    id: string,
    decider: Decider<Command, State, Event>,
    command: Command | ((state: State) => Command),
    causation: Causation,
  ): Promise<CommandResult<State>> {
    this.assertConnected();
    return handleCommand(this.store, aggregateSubject(this.store.prefix, kind, id), id, decider, command, causation);
  }

  async state<State, Event extends FerryEvent>(kind: AggregateKind, id: string, decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>): Promise<State> {
    this.assertConnected();
    return (await loadState(this.store, aggregateSubject(this.store.prefix, kind, id), decider)).state;
  }
}
