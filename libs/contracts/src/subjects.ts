/**
 * One subject per aggregate, because nats-server 2.9 checks `expect.lastSubjectSequence` against
 * one exact subject. Ids such as `ns/repo` hold characters a subject token cannot, so the token is
 * the id in base64url.
 */
export const AggregateKind = {
  Mirror: 'mirror',
  /** An organization mirror, by organization name: its settings and its discoveries. */
  OrgMirror: 'orgmirror',
  Run: 'run',
  /** An upstream push hook, by its id. */
  Hook: 'hook',
  Robot: 'robot',
  NotificationRule: 'notification',
  User: 'user',
  Organization: 'organization',
  Repository: 'repository',
  /** The token service's audit of registry access, per repository (`catalog` for the catalog). */
  Registry: 'registry',
  /** A team of an organization, by `organization/team`: its role, description and members. */
  Team: 'team',
  /** An organization's OAuth application, by `organization/clientId`. */
  OAuthApplication: 'oauthapp',
  /** A namespace's quota, its limits and its usage, by namespace name. */
  Quota: 'quota',
  /** A proxy-cache organization's settings, by organization name. */
  ProxyCache: 'proxycache',
  /** What the registry front fetched, refreshed and served stale, by `org/repo`. */
  ProxyCacheRepository: 'proxycacherepo',
} as const;
export type AggregateKind = (typeof AggregateKind)[keyof typeof AggregateKind];

export function subjectToken(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function aggregateSubject(prefix: string, kind: AggregateKind, id: string): string {
  return `${prefix}.${kind}.${subjectToken(id)}`;
}

/** The wildcard subject of every event of one kind, for consumers. */
export function kindSubjects(prefix: string, kind: AggregateKind): string {
  return `${prefix}.${kind}.*`;
}

/** Mirrors are named by their target repository, and so are repositories. */
export function mirrorId(namespace: string, repository: string): string {
  return `${namespace}/${repository}`;
}

/** The namespace of a mirror (or repository) id: the reverse of `mirrorId`. */
export function mirrorNamespace(id: string): string {
  return id.slice(0, id.indexOf('/'));
}

/** The namespace of a robot's `ns+name`, or null when the name is not a robot's. */
export function robotNamespace(username: string): string | null {
  const plus = username.indexOf('+');
  return plus > 0 ? username.slice(0, plus) : null;
}

export function robotUsername(namespace: string, name: string): string {
  return `${namespace}+${name}`;
}
