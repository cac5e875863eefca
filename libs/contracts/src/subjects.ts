/**
 * One subject per aggregate, because nats-server 2.9 checks `expect.lastSubjectSequence` against
 * one exact subject. Ids such as `ns/repo` hold characters a subject token cannot, so the token is
 * the id in base64url.
 */
export const AggregateKind = {
  Mirror: 'mirror',
  Run: 'run',
  Robot: 'robot',
  NotificationRule: 'notification',
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

/** Mirrors are named by their target repository. */
export function mirrorId(namespace: string, repository: string): string {
  return `${namespace}/${repository}`;
}

export function robotUsername(namespace: string, name: string): string {
  return `${namespace}+${name}`;
}
