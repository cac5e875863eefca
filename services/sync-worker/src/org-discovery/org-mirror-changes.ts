import { aggregateSubject, AggregateKind, type Event, type OrgMirrorDeleted, type OrgMirrorEvent, type OrgMirrorUpdated, type StoredEvent } from '@ferry/contracts';
import { loadState, type EventStore } from '@ferry/event-store';
import { isStoppedChild, orgMirrorDecider, type OrgMirrorState } from '@ferry/mirror';
import type { ChildRepositories } from './child-repositories';

type Stored<E extends OrgMirrorEvent> = StoredEvent & Event<E['type'], E['data']>;

/**
 * An organization mirror's changed settings, rolled out to every repository it holds: each
 * child mirror gets the organization's settings for its upstream (its own schedule anchor kept;
 * stopped while it is gone upstream under `report`), and only those that differ are written, so a
 * redelivered change writes nothing. The settings come from the aggregate's current state, not
 * from the event, so an old change delivered late never rolls a newer one back. Returns how many
 * child mirrors changed.
 */
export async function rollOutSettings(store: EventStore, children: ChildRepositories, event: Stored<OrgMirrorUpdated>): Promise<number> {
  const { state } = await loadState(store, aggregateSubject(store.prefix, AggregateKind.OrgMirror, event.data.organization), orgMirrorDecider);
  const config = state.config;
  if (!config || state.deleted) return 0;
  let changed = 0;
  for (const known of Object.values(state.repositories)) {
    if (await children.reconcile(config, { repository: known.repository, upstream: known.upstream, stopped: isStoppedChild(config, known) })) changed++;
  }
  return changed;
}

/**
 * A deleted organization mirror lets go of the repositories it held when it was deleted: each
 * child mirror is deleted, and its repository goes back to NORMAL with its images, or with
 * `deleteRepositories` is deleted with them. Idempotent (each step skips what is done); a
 * repository that an organization mirror made again since then holds is left to it. Returns how
 * many repositories were let go.
 */
export async function letGoOfRepositories(store: EventStore, children: ChildRepositories, event: Stored<OrgMirrorDeleted>): Promise<number> {
  const { events } = await store.read(aggregateSubject(store.prefix, AggregateKind.OrgMirror, event.data.organization));
  const fold = (upTo: number) =>
    events.filter((e) => e.position <= upTo).reduce<OrgMirrorState>((s, e) => orgMirrorDecider.evolve(s, e as unknown as OrgMirrorEvent), orgMirrorDecider.initialState());
  const atDeletion = fold(event.position);
  const now = fold(Number.MAX_SAFE_INTEGER);
  const config = atDeletion.config;
  if (!config) return 0;
  let released = 0;
  for (const repository of Object.keys(atDeletion.repositories)) {
    if (!now.deleted && now.repositories[repository]) continue;
    await children.remove(config, repository, { deleteRepository: event.data.deleteRepositories });
    released++;
  }
  return released;
}
