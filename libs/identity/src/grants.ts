import type { GrantResource, NewEvent, PermissionGranted, PermissionRevoked, PrincipalKind, Role } from '@ferry/contracts';
import { DomainError, DomainErrorCode } from '@ferry/contracts';

export interface Principal {
  kind: PrincipalKind;
  name: string;
}

/** Roles held on one organization or repository, by `kind:name`. */
export type GrantTable = Readonly<Record<string, Role>>;

const key = (p: Principal) => `${p.kind}:${p.name}`;

export type GrantCommand = { kind: 'grant'; principal: Principal; role: Role } | { kind: 'revoke'; principal: Principal };

export function evolveGrants(grants: GrantTable, event: PermissionGranted | PermissionRevoked): GrantTable {
  const next = { ...grants };
  if (event.type === 'PermissionGranted') next[key(event.data.principal)] = event.data.role;
  else delete next[key(event.data.principal)];
  return next;
}

/** Setting the role a principal already holds changes nothing; revoking one it does not hold is a 404. */
export function decideGrant(command: GrantCommand, grants: GrantTable, resource: GrantResource): NewEvent<PermissionGranted | PermissionRevoked>[] {
  const held = grants[key(command.principal)];
  if (command.kind === 'grant') {
    if (held === command.role) return [];
    return [{ type: 'PermissionGranted', data: { resource, principal: command.principal, role: command.role } }];
  }
  if (held === undefined) throw new DomainError(DomainErrorCode.PermissionNotFound, `${command.principal.name} holds no permission here`);
  return [{ type: 'PermissionRevoked', data: { resource, principal: command.principal } }];
}

export const roleOf = (grants: GrantTable, principal: Principal): Role | null => grants[key(principal)] ?? null;
