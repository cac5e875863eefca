/**
 * Who may do what, in Quay's words: users and robots hold roles on organizations and
 * repositories, and API tokens carry Quay's OAuth scopes, which cap what the token's user may do.
 */

/** Quay's repository roles, weakest first: each includes the ones before it. */
export const ROLES = ['read', 'write', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Quay's OAuth scopes; a token holds a subset, a password sign-in holds all of them. */
export const SCOPES = ['repo:read', 'repo:write', 'repo:admin', 'repo:create', 'org:admin', 'user:read', 'user:admin', 'super:user'] as const;
export type Scope = (typeof SCOPES)[number];

/** Quay's repository states: MIRROR repositories are written only by their mirror's robot. */
/** Quay's states; `ORG_MIRROR`: a repository an organization mirror discovered, pushed only by its robot. */
export const RepositoryState = { Normal: 'NORMAL', ReadOnly: 'READ_ONLY', Mirror: 'MIRROR', OrgMirror: 'ORG_MIRROR' } as const;
export type RepositoryState = (typeof RepositoryState)[keyof typeof RepositoryState];

export const Visibility = { Private: 'private', Public: 'public' } as const;
export type Visibility = (typeof Visibility)[keyof typeof Visibility];

/** Who holds a grant: a user, a robot named `ns+name`, or a team of the namespace's organization (by its name). */
export type PrincipalKind = 'user' | 'robot' | 'team';

/** Who a team holds: users and robots. */
export type MemberKind = Exclude<PrincipalKind, 'team'>;

/** Quay's team roles: `member` holds only what the team is granted, `creator` also creates repositories, `admin` administers the organization. */
export const TEAM_ROLES = ['member', 'creator', 'admin'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/**
 * Who caused an event, recorded on every event appended from now on: a user (and the id of the
 * token it used, never the token), a robot, or one of Ferry's own services acting on schedule.
 */
export interface Actor {
  /** `anonymous`: nobody signed in (an anonymous pull's token). */
  kind: 'user' | 'robot' | 'service' | 'anonymous';
  name: string;
  /** The API token's id when a user acted through one. */
  tokenId?: string;
}

/** Actors of Ferry's own services. */
export const serviceActor = (name: string): Actor => ({ kind: 'service', name });

/** A password hashed by `@ferry/identity` (scrypt); only this form is stored. */
export interface PasswordHash {
  algorithm: 'scrypt';
  /** `N`, `r`, `p` as used, so the cost can rise without breaking older hashes. */
  cost: { N: number; r: number; p: number };
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
}
