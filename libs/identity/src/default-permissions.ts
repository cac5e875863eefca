import { DomainError, DomainErrorCode, type DefaultPermissionChanged, type DefaultPermissionCreated, type DefaultPermissionDeleted, type NewEvent, type Role } from '@ferry/contracts';
import { atLeast } from './access';
import type { Principal } from './grants';

/** One of an organization's default permissions (Quay's permission prototype). */
export interface DefaultPermission {
  delegate: Principal;
  role: Role;
  /** Only a repository this user creates gets it; null: every new repository. */
  activatingUser: string | null;
}

/** An organization's default permissions, by id. */
export type DefaultPermissionTable = Readonly<Record<string, DefaultPermission>>;

export type DefaultPermissionCommand =
  | { kind: 'create-default-permission'; prototypeId: string; delegate: Principal; role: Role; activatingUser: string | null }
  | { kind: 'change-default-permission'; prototypeId: string; role: Role }
  | { kind: 'delete-default-permission'; prototypeId: string };

type DefaultPermissionEvent = DefaultPermissionCreated | DefaultPermissionChanged | DefaultPermissionDeleted;

export function evolveDefaultPermissions(table: DefaultPermissionTable, event: DefaultPermissionEvent): DefaultPermissionTable {
  const next = { ...table };
  switch (event.type) {
    case 'DefaultPermissionCreated': {
      const { prototypeId, delegate, role, activatingUser } = event.data;
      next[prototypeId] = { delegate, role, activatingUser };
      return next;
    }
    case 'DefaultPermissionChanged': {
      const held = next[event.data.prototypeId];
      if (held) next[event.data.prototypeId] = { ...held, role: event.data.role };
      return next;
    }
    case 'DefaultPermissionDeleted':
      delete next[event.data.prototypeId];
      return next;
    default: {
      const never: never = event;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
}

/** A create with an id that exists changes nothing (a retried request); a change to the role it has, too. */
export function decideDefaultPermission(command: DefaultPermissionCommand, table: DefaultPermissionTable, organization: string): NewEvent<DefaultPermissionEvent>[] {
  const { prototypeId } = command;
  const held = table[prototypeId];
  switch (command.kind) {
    case 'create-default-permission': {
      if (held) return [];
      const { delegate, role, activatingUser } = command;
      return [{ type: 'DefaultPermissionCreated', data: { organization, prototypeId, delegate, role, activatingUser } }];
    }
    case 'change-default-permission':
      if (!held) throw new DomainError(DomainErrorCode.DefaultPermissionNotFound, `no default permission ${prototypeId} in ${organization}`);
      return held.role === command.role ? [] : [{ type: 'DefaultPermissionChanged', data: { organization, prototypeId, role: command.role } }];
    case 'delete-default-permission':
      if (!held) throw new DomainError(DomainErrorCode.DefaultPermissionNotFound, `no default permission ${prototypeId} in ${organization}`);
      return [{ type: 'DefaultPermissionDeleted', data: { organization, prototypeId } }];
    default: {
      const never: never = command;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The roles a repository created in the organization starts with: every default permission
 * without an activating user, and those of `creator` (null: a repository no user created, such as
 * an organization mirror's discovery). A delegate named twice gets the higher role.
 */
export function defaultGrants(table: DefaultPermissionTable, creator: string | null): { principal: Principal; role: Role }[] {
  const grants = new Map<string, { principal: Principal; role: Role }>();
  for (const { delegate, role, activatingUser } of Object.values(table)) {
    if (activatingUser !== null && activatingUser !== creator) continue;
    const key = `${delegate.kind}:${delegate.name}`;
    const held = grants.get(key);
    if (!held || !atLeast(held.role, role)) grants.set(key, { principal: delegate, role });
  }
  return [...grants.values()];
}
