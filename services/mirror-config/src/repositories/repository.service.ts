import { Injectable } from '@nestjs/common';
import { AggregateKind, DomainError, DomainErrorCode, mirrorId, RepositoryState, repositoryNameProblem, Visibility } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { atLeast, repositoryDecider, repositoryRole, strongest, type Caller, type RepositoryCommand } from '@ferry/identity';
import { mirrorDecider, type MirrorCommand } from '@ferry/mirror';
import type { RepositoryRow } from '@ferry/read-models';
import { Commands } from '../commands';
import { newRepositoryGrants } from '../prototypes/prototype.service';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { readBody } from '../http/request-body';
import { Namespaces } from '../namespaces';
import { GrantLookup } from '../auth/grant-lookup';
import { MirrorLookup } from '../mirror-lookup';
import { MirrorHealthQueries } from '../mirror-health/mirror-health-queries';
import { PermissionQueries } from './permission-queries';
import { PermissionService } from './permission.service';
import { RepositoryQueries } from './repository-queries';
import { OrgMirrorQueries } from '../org-mirror/org-mirror-queries';
import { TeamQueries } from '../teams/team-queries';
import { QuotaService } from '../quotas/quota.service';
import { TagService } from '../tags/tag.service';
import { CHANGE_STATE_BODY, CHANGE_VISIBILITY_BODY, CREATE_REPOSITORY_BODY, UPDATE_REPOSITORY_BODY } from './repository.input';
import { nextPageToken, type RepositoryListView, type RepositoryView } from './repository.view';

/** Quay's page of the repository list (its REPOS_PER_PAGE). */
const REPOSITORIES_PER_PAGE = 100;

export interface RepositoryPath {
  namespace: string;
  repository: string;
}

function checkPath(path: RepositoryPath): string {
  const problems = [
    ...(repositoryNameProblem(path.namespace) ? [{ field: 'namespace', message: repositoryNameProblem(path.namespace)! }] : []),
    ...(repositoryNameProblem(path.repository) ? [{ field: 'repository', message: repositoryNameProblem(path.repository)! }] : []),
  ];
  if (problems.length) throw new InvalidRequestError(problems);
  return mirrorId(path.namespace, path.repository);
}

/** Quay's repositories: created, described, made public or private, set NORMAL / READ_ONLY / MIRROR, deleted. */
@Injectable()
export class RepositoryService {
  constructor(
    private readonly queries: RepositoryQueries,
    private readonly mirrorHealth: MirrorHealthQueries,
    private readonly namespaces: Namespaces,
    private readonly mirrors: MirrorLookup,
    private readonly commands: Commands,
    private readonly permissions: PermissionService,
    private readonly permissionQueries: PermissionQueries,
    private readonly grants: GrantLookup,
    private readonly orgMirrors: OrgMirrorQueries,
    private readonly teamQueries: TeamQueries,
    /** Quay's `tags` of the repository view (absent where a test builds the service without it). */
    private readonly tags?: TagService,
    /** Quay's `quota_report` (absent where a test builds the service without it). */
    private readonly quotas?: QuotaService,
  ) {}

  /** POST /repository: Quay's body, `namespace` defaulting to the caller's own. */
  async create(caller: Caller, body: unknown, causation: Causation) {
    const { value: fields, ignored } = readBody(CREATE_REPOSITORY_BODY, body);
    const { repository } = fields;
    const namespace = fields.namespace ?? caller.username;
    // A caller's own namespace is its user name, which a repository path may not hold.
    if (repositoryNameProblem(namespace)) throw new InvalidRequestError([{ field: 'namespace', message: repositoryNameProblem(namespace)! }]);
    const visibility = fields.visibility ?? Visibility.Private;
    const description = fields.description ?? '';
    await this.namespaces.assertExists(namespace, { field: 'namespace' });
    // Quay's rule: an organization mirror's discoveries alone make the organization's repositories.
    if (await this.orgMirrors.exists(namespace)) throw new DomainError(DomainErrorCode.ManagedByOrgMirror, 'Cannot create repository: organization is managed by organization-level mirroring');
    await this.commands.run(
      AggregateKind.Repository,
      mirrorId(namespace, repository),
      repositoryDecider,
      { kind: 'create', namespace, repository, description, visibility, state: RepositoryState.Normal, grants: await newRepositoryGrants(this.commands, namespace, caller.kind === 'user' ? caller.username : null) },
      causation,
    );
    return { view: { namespace, name: repository, kind: 'image' }, ignored };
  }

  /** Quay's repository view, with what the caller may do with it. */
  async get(caller: Caller, path: RepositoryPath): Promise<RepositoryView> {
    const row = await this.find(path);
    const role = repositoryRole(caller, path, await this.grants.grantsOf(caller, path));
    return {
      namespace: row.namespace,
      name: row.name,
      kind: 'image',
      description: row.description,
      is_public: row.visibility === Visibility.Public,
      is_organization: row.namespace !== (caller.kind === 'user' ? caller.username : null),
      is_starred: false,
      state: row.state,
      tag_expiration_s: 0,
      is_free_account: true,
      trust_enabled: false,
      tags: this.tags ? await this.tags.activeTags(path) : {},
      // Quay's own rule: nobody writes into a repository that is not NORMAL (a mirror's robot aside).
      can_write: row.state === RepositoryState.Normal && atLeast(role, 'write'),
      can_admin: atLeast(role, 'admin'),
      ...(this.quotas ? { quota_report: await this.quotas.repositoryReport(row.namespace, row.name) } : {}),
    };
  }

  /**
   * Quay's repository list: every repository the caller may read (of `namespace`, when given), by
   * the rules the guard applies to one, each with its mirror at a glance.
   */
  /**
   * One page of Quay's repository list: up to REPOSITORIES_PER_PAGE repositories in name order
   * after `after`, of which those the caller may read are shown (a page can show fewer, or none,
   * and still have a `next_page`), so an organization of any size is listed in bounded pages.
   */
  async list(caller: Caller, namespace: string | undefined, after: [string, string] | null): Promise<RepositoryListView> {
    const fetched = await this.queries.page(namespace, after, REPOSITORIES_PER_PAGE + 1);
    const rows = fetched.slice(0, REPOSITORIES_PER_PAGE);
    const last = fetched.length > REPOSITORIES_PER_PAGE ? rows.at(-1)! : null;
    const held = [...(await this.permissionQueries.grantsHeldBy({ kind: caller.kind, name: caller.username })), ...(await this.teamQueries.grantsThroughTeams(caller.kind, caller.username))];
    const teamRoles = await this.teamQueries.rolesOf(caller.kind, caller.username);
    const grantOf = (ns: string, repository: string) => strongest(...held.filter((g) => g.namespace === ns && g.repository === repository).map((g) => g.role));
    const teamOf = (ns: string) => (teamRoles.some((t) => t.organization === ns && t.role === 'admin') ? 'admin' : null);
    const readable = rows.filter(
      (r) =>
        r.visibility === Visibility.Public ||
        atLeast(repositoryRole(caller, { namespace: r.namespace, repository: r.name }, { organization: grantOf(r.namespace, ''), repository: grantOf(r.namespace, r.name), team: teamOf(r.namespace) }), 'read'),
    );
    const ids = readable.map((r) => mirrorId(r.namespace, r.name));
    const mirrors = await this.queries.mirrors(ids);
    const health = new Map((mirrors.length ? await this.mirrorHealth.read(namespace === undefined ? {} : { namespace }) : []).map((h) => [h.mirrorId, h]));
    const lastRunIds = mirrors.flatMap((m) => (m.lastRunId ? [m.lastRunId] : []));
    const lastRuns = new Map((await this.queries.runs(lastRunIds)).map((r) => [r.runId, r]));
    const byId = new Map(mirrors.map((m) => [m.mirrorId, m]));
    // Quay's list carries each repository's quota report: one read of each namespace's quota on the page.
    const quotaReports = this.quotas ? await this.quotas.repositoryReports(readable.map((r) => ({ namespace: r.namespace, repository: r.name }))) : null;
    return {
      ...(last ? { next_page: nextPageToken(last.namespace, last.name) } : {}),
      repositories: readable.map((r) => {
        const mirror = byId.get(mirrorId(r.namespace, r.name));
        const verdict = mirror ? health.get(mirror.mirrorId) : undefined;
        const last = mirror?.lastRunId ? lastRuns.get(mirror.lastRunId) : undefined;
        const outcome = last && ['succeeded', 'failed', 'cancelled'].includes(last.status) ? (last.status as 'succeeded' | 'failed' | 'cancelled') : null;
        return {
          namespace: r.namespace,
          name: r.name,
          kind: 'image' as const,
          description: r.description,
          is_public: r.visibility === Visibility.Public,
          state: r.state,
          is_starred: false,
          mirror: mirror
            ? {
                external_reference: mirror.externalReference,
                is_enabled: mirror.isEnabled,
                sync_status: mirror.syncStatus,
                last_sync: last?.finishedAt?.toISOString() ?? null,
                last_outcome: outcome,
                last_success: mirror.lastSuccessAt?.toISOString() ?? null,
                next_sync: mirror.isEnabled ? (mirror.nextSyncAt?.toISOString() ?? null) : null,
                consecutive_failures: verdict?.consecutiveFailures ?? 0,
                failing: verdict?.failing ?? false,
                stale: verdict?.stale ?? false,
                error: verdict?.lastErrorCode ? { code: verdict.lastErrorCode, message: verdict.lastErrorMessage } : null,
              }
            : null,
          ...(quotaReports ? { quota_report: quotaReports.get(mirrorId(r.namespace, r.name))! } : {}),
        };
      }),
    };
  }

  async find(path: RepositoryPath): Promise<RepositoryRow> {
    checkPath(path);
    const row = await this.queries.repository(path.namespace, path.repository);
    if (!row) throw new NotFoundError(`no repository ${path.namespace}/${path.repository}`);
    return row;
  }

  /** PUT /repository/{ns}/{repo}: Quay changes only the description here. */
  async update(path: RepositoryPath, body: unknown, causation: Causation) {
    const { value: { description }, ignored } = readBody(UPDATE_REPOSITORY_BODY, body);
    await this.command(path, { kind: 'update', description }, causation);
    return { view: { success: true as const }, ignored };
  }

  async changeVisibility(path: RepositoryPath, body: unknown, causation: Causation) {
    const { value: { visibility }, ignored } = readBody(CHANGE_VISIBILITY_BODY, body);
    await this.command(path, { kind: 'update', visibility }, causation);
    return { view: { success: true as const }, ignored };
  }

  /**
   * Quay's changestate. A mirror runs only in MIRROR: leaving MIRROR disables the repository's
   * mirror (its settings stay, so setting MIRROR again and enabling it resumes it).
   */
  async changeState(path: RepositoryPath, body: unknown, causation: Causation) {
    const { value: { state }, ignored } = readBody(CHANGE_STATE_BODY, body);
    // Quay's rules and words: ORG_MIRROR is the organization mirror's to set, and nothing in an
    // organization it manages changes state by hand.
    await this.find(path);
    if (state === RepositoryState.OrgMirror) throw new DomainError(DomainErrorCode.ManagedByOrgMirror, 'ORG_MIRROR state is managed by organization-level mirroring');
    if (await this.orgMirrors.exists(path.namespace)) {
      throw new DomainError(DomainErrorCode.ManagedByOrgMirror, 'Repository state changes are not allowed in an organization managed by organization-level mirroring');
    }
    await this.command(path, { kind: 'change-state', state }, causation);
    const mirror = await this.mirrors.row(mirrorId(path.namespace, path.repository));
    if (mirror && state !== RepositoryState.Mirror && mirror.isEnabled) {
      await this.commands.run(AggregateKind.Mirror, mirror.mirrorId, mirrorDecider, (s): MirrorCommand => ({ kind: 'update', config: { ...s.config!, isEnabled: false }, now: new Date() }), causation);
    }
    return { view: { success: true as const }, ignored };
  }

  /** Deleting a repository deletes its mirror (Quay has no other way to remove one); the target's images stay. */
  async delete(path: RepositoryPath, causation: Causation): Promise<void> {
    const id = checkPath(path);
    if (await this.mirrors.exists(id)) {
      await this.commands.run(AggregateKind.Mirror, id, mirrorDecider, { kind: 'delete' }, causation).catch((error: { code?: string }) => {
        if (error.code !== 'MIRROR_NOT_FOUND') throw error;
      });
    }
    await this.command(path, { kind: 'delete' }, causation);
  }

  /**
   * A mirror's repository: created in state MIRROR when absent (so Ferry's own clients need not
   * create it), set to MIRROR when not (as Quay's mirror POST does), and its robot given write.
   */
  async prepareForMirror(path: RepositoryPath, robotUsername: string, causation: Causation): Promise<void> {
    // No user is the creator here (the caller may be a robot or a service): default permissions without an activating user apply.
    const grants = await newRepositoryGrants(this.commands, path.namespace, null);
    await this.commands.run(
      AggregateKind.Repository,
      mirrorId(path.namespace, path.repository),
      repositoryDecider,
      (state): RepositoryCommand =>
        state.status === 'active'
          ? { kind: 'change-state', state: RepositoryState.Mirror }
          : { kind: 'create', namespace: path.namespace, repository: path.repository, description: '', visibility: Visibility.Private, state: RepositoryState.Mirror, grants },
      causation,
    );
    await this.permissions.ensureAtLeast({ namespace: path.namespace, repository: path.repository }, { kind: 'robot', name: robotUsername }, 'write', causation);
  }

  private command(path: RepositoryPath, command: RepositoryCommand, causation: Causation) {
    return this.commands.run(AggregateKind.Repository, checkPath(path), repositoryDecider, command, causation);
  }
}
