import { ROLES, SCOPES, type Role, type Scope, type TeamRole } from '@ferry/contracts';

/**
 * What a route or gRPC method needs, declared next to its handler and enforced by one guard.
 * Repository and organization requirements name the path (or message) fields they apply to.
 */
export type Requirement =
  /** Anyone, signed in or not. */
  | { kind: 'public' }
  /**
   * The secret of the hook the path names, and no user's credential: the upstream registry that
   * delivers a push proves it holds the hook's secret, which the handler checks before anything.
   */
  | { kind: 'hook-secret' }
  /** Any signed-in user whose credential carries `scope`. */
  | { kind: 'signed-in'; scope: Scope }
  /** A role on the repository `namespace/repository`. */
  | { kind: 'repository'; role: Role }
  /** A role on the organization `namespace`. */
  | { kind: 'organization'; role: Role }
  /** Creating a repository in `namespace` (Quay's `repo:create`). */
  | { kind: 'create-repository' }
  /** The user the path names, and only that user, with `scope`. */
  | { kind: 'self'; scope: Scope }
  /** A superuser whose credential carries `super:user`. */
  | { kind: 'superuser' };

export const requires = {
  public: (): Requirement => ({ kind: 'public' }),
  hookSecret: (): Requirement => ({ kind: 'hook-secret' }),
  signedIn: (scope: Scope): Requirement => ({ kind: 'signed-in', scope }),
  repository: (role: Role): Requirement => ({ kind: 'repository', role }),
  organization: (role: Role): Requirement => ({ kind: 'organization', role }),
  createRepository: (): Requirement => ({ kind: 'create-repository' }),
  self: (scope: Scope): Requirement => ({ kind: 'self', scope }),
  superuser: (): Requirement => ({ kind: 'superuser' }),
};

/** Who is calling, once their credential has been checked. */
export type Caller =
  | {
      kind: 'user';
      username: string;
      /** Listed in FERRY_SUPERUSERS. */
      superuser: boolean;
      /** What the credential may do: every scope for a password, the token's own for a token. */
      scopes: readonly Scope[];
      tokenId: string | null;
    }
  | { kind: 'robot'; username: string; namespace: string };

/** The caller's grants on what the request names, looked up by the guard. */
export interface Grants {
  organization: Role | null;
  /** The caller's own grant on the repository, or the strongest of its teams' grants there. */
  repository: Role | null;
  /** The strongest role of the organization's teams the caller is in (absent: in none). */
  team?: TeamRole | null;
}

/** What a team role adds on the organization: Quay's member permission (`read`), or its admin's. */
function teamOrganizationRole(team: TeamRole | null | undefined): Role | null {
  if (team === 'admin') return 'admin';
  return team ? 'read' : null;
}


/** What the request names: path parameters or message fields. */
export interface Target {
  namespace?: string;
  repository?: string;
  username?: string;
}

/** Quay's implied scopes: a stronger scope includes the weaker ones of its family. */
const IMPLIED: Partial<Record<Scope, Scope[]>> = {
  'repo:admin': ['repo:write', 'repo:read'],
  'repo:write': ['repo:read'],
  'user:admin': ['user:read'],
};

export function scopesProblem(scopes: unknown): string | undefined {
  if (!Array.isArray(scopes) || scopes.length === 0) return `must be a non-empty list of ${SCOPES.join(', ')}`;
  const unknown = scopes.filter((s) => !SCOPES.includes(s as Scope));
  return unknown.length ? `holds unknown scopes ${unknown.map((s) => JSON.stringify(s)).join(', ')}; known: ${SCOPES.join(', ')}` : undefined;
}

export function hasScope(scopes: readonly Scope[], wanted: Scope): boolean {
  return scopes.some((s) => s === wanted || IMPLIED[s]?.includes(wanted));
}

export const roleRank = (role: Role | null): number => (role === null ? -1 : ROLES.indexOf(role));
export const atLeast = (role: Role | null, wanted: Role): boolean => roleRank(role) >= roleRank(wanted);
export const strongest = (...roles: (Role | null)[]): Role | null => roles.reduce<Role | null>((a, b) => (roleRank(b) > roleRank(a) ? b : a), null);

/** The role a caller's grants give on a repository: a team admin administers every repository of the organization (Quay's org admin). */
const grantedRepositoryRole = (grants: Grants): Role | null => strongest(grants.organization, grants.repository, grants.team === 'admin' ? 'admin' : null);

/** The strongest repository role a user's credential may exercise, whatever the user holds. */
function repositoryCap(scopes: readonly Scope[]): Role | null {
  if (hasScope(scopes, 'repo:admin')) return 'admin';
  if (hasScope(scopes, 'repo:write')) return 'write';
  if (hasScope(scopes, 'repo:read')) return 'read';
  return null;
}

/** A superuser acting as one: a user Ferry holds as a superuser, with a credential that carries `super:user`. */
export const actsAsSuperuser = (caller: Caller): boolean => caller.kind === 'user' && caller.superuser && hasScope(caller.scopes, 'super:user');

/**
 * The role a caller holds on a repository: a superuser (acting as one) administers everything, a
 * user administers the namespace named after them, otherwise the stronger of the organization's
 * and the repository's grant. A token never raises it: the result is capped by its scopes.
 */
export function repositoryRole(caller: Caller, target: Target, grants: Grants): Role | null {
  if (caller.kind === 'robot') return grantedRepositoryRole(grants);
  if (actsAsSuperuser(caller)) return repositoryCap(caller.scopes);
  const held = target.namespace === caller.username ? 'admin' : grantedRepositoryRole(grants);
  const cap = repositoryCap(caller.scopes);
  return roleRank(held) <= roleRank(cap) ? held : cap;
}

/** The role a caller holds on an organization; `org:admin` caps it at admin, any other credential at read. */
export function organizationRole(caller: Caller, grants: Grants): Role | null {
  if (caller.kind === 'robot') return null;
  const cap: Role = hasScope(caller.scopes, 'org:admin') ? 'admin' : 'read';
  const held = actsAsSuperuser(caller) ? 'admin' : strongest(grants.organization, teamOrganizationRole(grants.team));
  return roleRank(held) <= roleRank(cap) ? held : cap;
}

/** True when the caller (null: nobody signed in) may do what `requirement` declares on `target`. */
export function allows(requirement: Requirement, caller: Caller | null, target: Target, grants: Grants): boolean {
  // A hook's delivery carries no caller: its secret is checked by the hook's own handler.
  if (requirement.kind === 'public' || requirement.kind === 'hook-secret') return true;
  if (caller === null) return false;
  switch (requirement.kind) {
    case 'signed-in':
      return caller.kind === 'user' && hasScope(caller.scopes, requirement.scope);
    case 'superuser':
      return actsAsSuperuser(caller);
    case 'self':
      return caller.kind === 'user' && caller.username === target.username && hasScope(caller.scopes, requirement.scope);
    case 'repository':
      return atLeast(repositoryRole(caller, target, grants), requirement.role);
    case 'organization':
      return atLeast(organizationRole(caller, grants), requirement.role);
    case 'create-repository': {
      if (caller.kind !== 'user' || !hasScope(caller.scopes, 'repo:create')) return false;
      const teamCreates = grants.team === 'creator' || grants.team === 'admin';
      return actsAsSuperuser(caller) || target.namespace === caller.username || atLeast(grants.organization, 'write') || teamCreates;
    }
  }
}

/** Whether `requirement` looks up grants at all (the guard skips the queries otherwise). */
export const needsGrants = (requirement: Requirement): boolean =>
  requirement.kind === 'repository' || requirement.kind === 'organization' || requirement.kind === 'create-repository';
