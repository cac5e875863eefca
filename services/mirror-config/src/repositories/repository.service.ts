import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AggregateKind, mirrorId, RepositoryState, repositoryNameProblem, Visibility } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { atLeast, repositoryDecider, repositoryRole, type Caller, type RepositoryCommand } from '@ferry/identity';
import { mirrorDecider, type MirrorCommand } from '@ferry/mirror';
import { MirrorRow, RepositoryRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';
import { Commands } from '../commands';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { readBody } from '../http/request-body';
import { assertNamespaceExists } from '../namespaces';
import { GrantLookup } from '../auth/grant-lookup';
import { PermissionService } from './permission.service';
import { CHANGE_STATE_BODY, CHANGE_VISIBILITY_BODY, CREATE_REPOSITORY_BODY, UPDATE_REPOSITORY_BODY } from './repository.input';
import type { RepositoryView } from './repository.view';

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
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly commands: Commands,
    private readonly permissions: PermissionService,
    private readonly grants: GrantLookup,
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
    await assertNamespaceExists(this.dataSource, namespace, { field: 'namespace' });
    await this.commands.run(
      AggregateKind.Repository,
      mirrorId(namespace, repository),
      repositoryDecider,
      { kind: 'create', namespace, repository, description, visibility, state: RepositoryState.Normal },
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
      tags: {},
      // Quay's own rule: nobody writes into a repository that is not NORMAL (a mirror's robot aside).
      can_write: row.state === RepositoryState.Normal && atLeast(role, 'write'),
      can_admin: atLeast(role, 'admin'),
    };
  }

  async find(path: RepositoryPath): Promise<RepositoryRow> {
    checkPath(path);
    const row = await this.dataSource.getRepository(RepositoryRow).findOneBy({ namespace: path.namespace, name: path.repository });
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
    await this.command(path, { kind: 'change-state', state }, causation);
    const mirror = await this.dataSource.getRepository(MirrorRow).findOneBy({ mirrorId: mirrorId(path.namespace, path.repository) });
    if (mirror && state !== RepositoryState.Mirror && mirror.isEnabled) {
      await this.commands.run(AggregateKind.Mirror, mirror.mirrorId, mirrorDecider, (s): MirrorCommand => ({ kind: 'update', config: { ...s.config!, isEnabled: false }, now: new Date() }), causation);
    }
    return { view: { success: true as const }, ignored };
  }

  /** Deleting a repository deletes its mirror (Quay has no other way to remove one); the target's images stay. */
  async delete(path: RepositoryPath, causation: Causation): Promise<void> {
    const id = checkPath(path);
    if (await this.dataSource.getRepository(MirrorRow).existsBy({ mirrorId: id })) {
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
    await this.commands.run(
      AggregateKind.Repository,
      mirrorId(path.namespace, path.repository),
      repositoryDecider,
      (state): RepositoryCommand =>
        state.status === 'active'
          ? { kind: 'change-state', state: RepositoryState.Mirror }
          : { kind: 'create', namespace: path.namespace, repository: path.repository, description: '', visibility: Visibility.Private, state: RepositoryState.Mirror },
      causation,
    );
    await this.permissions.ensureAtLeast({ namespace: path.namespace, repository: path.repository }, { kind: 'robot', name: robotUsername }, 'write', causation);
  }

  private command(path: RepositoryPath, command: RepositoryCommand, causation: Causation) {
    return this.commands.run(AggregateKind.Repository, checkPath(path), repositoryDecider, command, causation);
  }
}
