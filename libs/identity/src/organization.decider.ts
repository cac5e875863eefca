import { DomainError, DomainErrorCode, type NewEvent, type OrganizationEvent } from '@ferry/contracts';
import { decideDefaultPermission, evolveDefaultPermissions, type DefaultPermissionCommand, type DefaultPermissionTable } from './default-permissions';
import { decideGrant, evolveGrants, type GrantCommand, type GrantTable, type Principal } from './grants';

export type OrganizationState =
  | { status: 'absent' }
  | { status: 'active'; name: string; email: string | null; grants: GrantTable; defaultPermissions: DefaultPermissionTable }
  | { status: 'deleted'; name: string };

export type OrganizationCommand =
  /** The creator becomes the organization's first admin (Quay's owners team). */
  | { kind: 'create'; name: string; email: string | null; creator: Principal | null }
  | { kind: 'update'; email: string | null }
  | { kind: 'delete' }
  | GrantCommand
  | DefaultPermissionCommand;

function active(state: OrganizationState): Extract<OrganizationState, { status: 'active' }> {
  if (state.status !== 'active') throw new DomainError(DomainErrorCode.OrganizationNotFound, 'no such organization');
  return state;
}

export const organizationDecider = {
  initialState: (): OrganizationState => ({ status: 'absent' }),
  evolve(state: OrganizationState, event: OrganizationEvent): OrganizationState {
    switch (event.type) {
      case 'OrganizationCreated':
        return { status: 'active', name: event.data.name, email: event.data.email, grants: {}, defaultPermissions: {} };
      case 'OrganizationDeleted':
        return { status: 'deleted', name: event.data.name };
      case 'PermissionGranted':
      case 'PermissionRevoked':
        return state.status === 'active' ? { ...state, grants: evolveGrants(state.grants, event) } : state;
      case 'OrganizationUpdated':
        return state.status === 'active' ? { ...state, email: event.data.email } : state;
      case 'DefaultPermissionCreated':
      case 'DefaultPermissionChanged':
      case 'DefaultPermissionDeleted':
        return state.status === 'active' ? { ...state, defaultPermissions: evolveDefaultPermissions(state.defaultPermissions, event) } : state;
    }
  },
  decide(command: OrganizationCommand, state: OrganizationState): NewEvent<OrganizationEvent>[] {
    switch (command.kind) {
      case 'create': {
        if (state.status === 'active') throw new DomainError(DomainErrorCode.OrganizationAlreadyExists, `organization ${state.name} already exists`);
        const events: NewEvent<OrganizationEvent>[] = [{ type: 'OrganizationCreated', data: { name: command.name, email: command.email } }];
        if (command.creator) {
          events.push({ type: 'PermissionGranted', data: { resource: { kind: 'organization', namespace: command.name }, principal: command.creator, role: 'admin' } });
        }
        return events;
      }
      case 'update': {
        const org = active(state);
        if (org.email === command.email) return [];
        return [{ type: 'OrganizationUpdated', data: { name: org.name, email: command.email } }];
      }
      case 'delete': {
        const org = active(state);
        return [{ type: 'OrganizationDeleted', data: { name: org.name } }];
      }
      case 'grant':
      case 'revoke': {
        const org = active(state);
        return decideGrant(command, org.grants, { kind: 'organization', namespace: org.name });
      }
      case 'create-default-permission':
      case 'change-default-permission':
      case 'delete-default-permission': {
        const org = active(state);
        return decideDefaultPermission(command, org.defaultPermissions, org.name);
      }
    }
  },
};
