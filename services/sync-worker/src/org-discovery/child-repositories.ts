import {
  aggregateSubject,
  AggregateKind,
  mirrorId,
  RepositoryState,
  type DiscoveredRepository,
  type OrgMirrorConfig,
} from '@ferry/contracts';
import { handleCommand, loadState, type Causation, type EventStore } from '@ferry/event-store';
import { defaultGrants, organizationDecider, repositoryDecider, robotDecider, userDecider, type Principal, type RepositoryCommand, type RepositoryState as RepositoryAggregate } from '@ferry/identity';
import { childMirrorConfig, childMirrorUpdate, mirrorDecider, type MirrorCommand, type MirrorState } from '@ferry/mirror';

/**
 * A discovery visits each of thousands of repositories once: their folds are not kept in the
 * worker's cache (bounded at 20,000 subjects, but each fold of a mirror holds its whole settings).
 */
const ONCE = { keepFold: false };

/** A discovered repository the organization mirror may not set up: the name is someone else's. */
export class RepositoryTakenError extends Error {
  readonly code = 'REPOSITORY_TAKEN';
}

/** Deletes a target repository's images as the organization mirror's robot (see `deleteTargetImages`). */
export type DeleteImages = (org: OrgMirrorConfig, repository: string) => Promise<void>;

const isOurs = (state: MirrorState, organization: string): boolean => state.config !== null && !state.deleted && state.config.orgMirror?.organization === organization;

/**
 * The writes an organization mirror makes on the aggregates of its discovered repositories: the
 * repository (state ORG_MIRROR) and its child mirror. Each write is a command on the aggregate's
 * own subject that changes nothing when already done, so a page handled twice (a worker died
 * before recording it) or two workers on one page double nothing. A name held by anything but
 * this organization mirror is never taken over.
 */
export class ChildRepositories {
  constructor(
    private readonly store: EventStore,
    private readonly causation: Causation,
    private readonly deleteImages: DeleteImages,
  ) {}

  /** Sets up one discovered repository, its mirror running from `now`; throws `RepositoryTakenError` for a name that is not this organization mirror's. */
  async setUp(org: OrgMirrorConfig, entry: DiscoveredRepository, now: Date): Promise<void> {
    const id = mirrorId(org.organization, entry.repository);
    const grants = await this.defaultGrants(org.organization);
    await this.repository(id, (state) => {
      if (state.status !== 'active') {
        return { kind: 'create', namespace: org.organization, repository: entry.repository, description: '', visibility: org.visibility, state: RepositoryState.OrgMirror, grants };
      }
      if (state.state !== RepositoryState.OrgMirror) throw new RepositoryTakenError(`repository ${id} exists (state ${state.state}) and is not this organization mirror's`);
      return { kind: 'update', visibility: org.visibility };
    });
    await this.mirror(id, (state) => {
      // Another worker on the same page got there first.
      if (isOurs(state, org.organization)) return null;
      if (state.config && !state.deleted) throw new RepositoryTakenError(`repository ${id} has a mirror of its own`);
      return { kind: 'create', mirrorId: id, config: childMirrorConfig(org, { ...entry, syncStartDate: now.toISOString() }), now };
    });
  }

  /**
   * Brings a repository's mirror to the organization mirror's settings (its own schedule anchor
   * kept), `stopped` or running; and its repository to the organization's visibility. True when
   * the mirror changed; false also when it has no mirror of this organization mirror.
   */
  async reconcile(org: OrgMirrorConfig, child: DiscoveredRepository & { stopped: boolean }): Promise<boolean> {
    const id = mirrorId(org.organization, child.repository);
    let changed = false;
    await this.mirror(id, (state) => {
      const update = isOurs(state, org.organization) ? childMirrorUpdate(org, child, state.config!) : null;
      changed = update !== null;
      return update && { kind: 'update', config: update, now: new Date() };
    });
    await this.repository(id, (repo) => (repo.status === 'active' && repo.state === RepositoryState.OrgMirror ? { kind: 'update', visibility: org.visibility } : null));
    return changed;
  }

  /**
   * Ends the organization mirror's hold on a repository: its images deleted from the target first
   * (while its mirror's robot may still write there), then its mirror, then the repository itself
   * (`deleteRepository`) or its return to NORMAL, where its images stay. Each step skips what is
   * already done, so a removal cut short is finished by the next attempt.
   */
  async remove(org: OrgMirrorConfig, repository: string, options: { deleteRepository: boolean }): Promise<void> {
    const id = mirrorId(org.organization, repository);
    const repo = (await loadState(this.store, this.subject(AggregateKind.Repository, id), repositoryDecider)).state;
    const held = repo.status === 'active' && repo.state === RepositoryState.OrgMirror;
    if (options.deleteRepository && held) await this.deleteImages(org, repository);
    await this.mirror(id, (state) => (isOurs(state, org.organization) ? { kind: 'delete' } : null));
    await this.repository(id, (state) => {
      if (state.status !== 'active' || state.state !== RepositoryState.OrgMirror) return null;
      return options.deleteRepository ? { kind: 'delete' } : { kind: 'change-state', state: RepositoryState.Normal };
    });
  }

  /**
   * The organization's default permissions a discovered repository starts with: those without an
   * activating user (no user creates it), less those whose user or robot is gone.
   */
  private async defaultGrants(organization: string): Promise<ReturnType<typeof defaultGrants>> {
    const state = (await loadState(this.store, this.subject(AggregateKind.Organization, organization), organizationDecider)).state;
    if (state.status !== 'active') return [];
    const grants = defaultGrants(state.defaultPermissions, null);
    const exists = async ({ kind, name }: Principal) =>
      kind === 'robot'
        ? (await loadState(this.store, this.subject(AggregateKind.Robot, name), robotDecider)).state.status === 'active'
        : (await loadState(this.store, this.subject(AggregateKind.User, name), userDecider)).state.status === 'active';
    const alive = await Promise.all(grants.map((g) => exists(g.principal)));
    return grants.filter((_, i) => alive[i]);
  }

  private subject(kind: AggregateKind, id: string): string {
    return aggregateSubject(this.store.prefix, kind, id);
  }

  /** A command on the child mirror decided on its fresh state (again after a conflict); null: nothing to do. */
  private mirror(id: string, decide: (state: MirrorState) => MirrorCommand | null): Promise<void> {
    return unlessUnchanged(handleCommand(this.store, this.subject(AggregateKind.Mirror, id), id, mirrorDecider, orNothing(decide), this.causation, ONCE));
  }

  /** A command on the repository decided on its fresh state (again after a conflict); null: nothing to do. */
  private repository(id: string, decide: (state: RepositoryAggregate) => RepositoryCommand | null): Promise<void> {
    return unlessUnchanged(handleCommand(this.store, this.subject(AggregateKind.Repository, id), id, repositoryDecider, orNothing(decide), this.causation, ONCE));
  }
}

/** Thrown from inside a command's decision when there is nothing to do, so nothing is appended. */
const NOTHING_TO_DO = Symbol('nothing to do');

function orNothing<S, C>(decide: (state: S) => C | null): (state: S) => C {
  return (state) => {
    const command = decide(state);
    if (command === null) throw NOTHING_TO_DO;
    return command;
  };
}

async function unlessUnchanged(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (error !== NOTHING_TO_DO) throw error;
  }
}
