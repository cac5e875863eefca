import {
  DomainError,
  DomainErrorCode,
  type NewEvent,
  type RepositoryEvent,
  type RepositoryState as RepositoryStateName,
  type Role,
  type Visibility,
} from '@ferry/contracts';
import { decideGrant, evolveGrants, type GrantCommand, type GrantTable, type Principal } from './grants';

export type RepositoryState =
  | { status: 'absent' }
  | { status: 'active'; namespace: string; repository: string; description: string; visibility: Visibility; state: RepositoryStateName; grants: GrantTable }
  | { status: 'deleted'; namespace: string; repository: string };

export type RepositoryCommand =
  /** `ifAbsent`: creating a mirror creates its repository, and changes nothing when it exists. */
  /** `grants`: the organization's default permissions for it (`defaultGrants`), granted as it is created. */
  | { kind: 'create'; namespace: string; repository: string; description: string; visibility: Visibility; state: RepositoryStateName; ifAbsent?: boolean; grants?: readonly { principal: Principal; role: Role }[] }
  | { kind: 'update'; description?: string; visibility?: Visibility }
  | { kind: 'change-state'; state: RepositoryStateName }
  | { kind: 'delete' }
  | GrantCommand;

function active(state: RepositoryState): Extract<RepositoryState, { status: 'active' }> {
  if (state.status !== 'active') throw new DomainError(DomainErrorCode.RepositoryNotFound, 'no such repository');
  return state;
}

export const repositoryDecider = {
  initialState: (): RepositoryState => ({ status: 'absent' }),
  evolve(state: RepositoryState, event: RepositoryEvent): RepositoryState {
    switch (event.type) {
      case 'RepositoryCreated': {
        const { namespace, repository, description, visibility, state: repoState } = event.data;
        // A repository created again after a delete starts with no grants.
        return { status: 'active', namespace, repository, description, visibility, state: repoState, grants: {} };
      }
      case 'RepositoryUpdated':
        return state.status === 'active' ? { ...state, description: event.data.description, visibility: event.data.visibility } : state;
      case 'RepositoryStateChanged':
        return state.status === 'active' ? { ...state, state: event.data.state } : state;
      case 'RepositoryDeleted':
        return { status: 'deleted', namespace: event.data.namespace, repository: event.data.repository };
      case 'PermissionGranted':
      case 'PermissionRevoked':
        return state.status === 'active' ? { ...state, grants: evolveGrants(state.grants, event) } : state;
    }
  },
  decide(command: RepositoryCommand, state: RepositoryState): NewEvent<RepositoryEvent>[] {
    switch (command.kind) {
      case 'create': {
        if (state.status === 'active') {
          if (command.ifAbsent) return [];
          throw new DomainError(DomainErrorCode.RepositoryAlreadyExists, `repository ${state.namespace}/${state.repository} already exists`);
        }
        const { namespace, repository, description, visibility, state: repoState } = command;
        const resource = { kind: 'repository', namespace, repository } as const;
        return [
          { type: 'RepositoryCreated', data: { namespace, repository, description, visibility, state: repoState } },
          ...(command.grants ?? []).map(({ principal, role }): NewEvent<RepositoryEvent> => ({ type: 'PermissionGranted', data: { resource, principal, role } })),
        ];
      }
      case 'update': {
        const repo = active(state);
        const description = command.description ?? repo.description;
        const visibility = command.visibility ?? repo.visibility;
        if (description === repo.description && visibility === repo.visibility) return [];
        return [{ type: 'RepositoryUpdated', data: { namespace: repo.namespace, repository: repo.repository, description, visibility } }];
      }
      case 'change-state': {
        const repo = active(state);
        if (repo.state === command.state) return [];
        return [{ type: 'RepositoryStateChanged', data: { namespace: repo.namespace, repository: repo.repository, state: command.state } }];
      }
      case 'delete': {
        const repo = active(state);
        return [{ type: 'RepositoryDeleted', data: { namespace: repo.namespace, repository: repo.repository } }];
      }
      case 'grant':
      case 'revoke': {
        const repo = active(state);
        return decideGrant(command, repo.grants, { kind: 'repository', namespace: repo.namespace, repository: repo.repository });
      }
    }
  },
};
