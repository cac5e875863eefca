import { RepositoryState, Visibility, type Role, type TeamRole } from '@ferry/contracts';
import { actsAsSuperuser, atLeast, type Caller } from './access';

/**
 * One scope of a Docker registry token request: `repository:ns/repo:pull,push`, or the catalog's
 * `registry:catalog:*` (the distribution spec's token scope grammar; a resource type may carry a
 * class, `repository(plugin):...`, which is kept with the type).
 */
export interface RegistryScope {
  type: string;
  name: string;
  actions: string[];
}

/** Parses one `scope` value; null when it is not `type:name:actions`. */
export function parseRegistryScope(scope: string): RegistryScope | null {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last <= first + 1 || scope.length > 1024) return null;
  const actions = scope.slice(last + 1).split(',').map((a) => a.trim()).filter(Boolean);
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: [...new Set(actions)] };
}

/** What the token service knows of the repository a scope names. */
export interface RegistryRepositoryFacts {
  /** Null when Ferry has no such repository. */
  state: RepositoryState | null;
  visibility: Visibility;
  /** The robot of the repository's mirror, when it has one. */
  mirrorRobot: string | null;
  /** The caller's role on it, as `repositoryRole` computes it (tokens' scopes already applied). */
  role: Role | null;
}

/**
 * The actions of a repository scope that the caller gets, the rest being refused (the registry
 * then answers `denied` itself):
 * - `pull` with `read`, or for anyone (anonymous too) on a public repository;
 * - `push` and `delete` with `write` on a NORMAL repository;
 * - on a MIRROR repository only its mirror's robot pushes or deletes (still needing `write`),
 *   not a user, not an admin, not a superuser: what the mirror writes is the upstream's;
 * - on an ORG_MIRROR repository (one an organization mirror discovered) only the organization
 *   mirror's robot pushes or deletes, and it pulls too: the organization mirror's settings are its
 *   grant, so thousands of discovered repositories need no grant each;
 * - on READ_ONLY nobody pushes or deletes; a repository Ferry does not know gets nothing.
 */
export function grantedRepositoryActions(caller: Caller | null, facts: RegistryRepositoryFacts, requested: readonly string[]): string[] {
  if (facts.state === null) return [];
  const isMirrorRobot = caller?.kind === 'robot' && caller.username === facts.mirrorRobot;
  const may = (action: string): boolean => {
    if (facts.state === RepositoryState.OrgMirror && isMirrorRobot) return action === 'pull' || action === 'push' || action === 'delete';
    if (action === 'pull') return facts.visibility === Visibility.Public || atLeast(facts.role, 'read');
    if (action !== 'push' && action !== 'delete') return false;
    if (!atLeast(facts.role, 'write')) return false;
    if (facts.state === RepositoryState.Normal) return true;
    if (facts.state === RepositoryState.Mirror) return isMirrorRobot;
    return false;
  };
  return requested.filter(may);
}

/** `registry:catalog:*`, listing every repository, is for superusers acting as one. */
export function grantedCatalogActions(caller: Caller | null, requested: readonly string[]): string[] {
  return caller && actsAsSuperuser(caller) ? requested.filter((a) => a === '*') : [];
}

/**
 * A repository of a proxy-cache organization that Ferry has not stored yet: a member of the
 * organization (any role on its repositories, or in any of its teams) may pull it, which makes the
 * registry front fetch it; nobody pushes or deletes (only the front writes there, with its own token).
 */
export function grantedProxyCacheActions(caller: Caller | null, role: Role | null, team: TeamRole | null, requested: readonly string[]): string[] {
  if (!caller) return [];
  const member = atLeast(role, 'read') || team !== null;
  return member ? requested.filter((a) => a === 'pull') : [];
}
