import { Injectable } from '@nestjs/common';
import { AggregateKind, mirrorId, robotNamespace, robotUsernameProblem, ROLES, usernameProblem, type PrincipalKind, type Role } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { organizationDecider, repositoryDecider, type Principal } from '@ferry/identity';
import type { PermissionRow } from '@ferry/read-models';
import { Commands } from '../commands';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { readBody } from '../http/request-body';
import { PermissionQueries, type GrantScope } from './permission-queries';
import { SET_PERMISSION_BODY } from './permission.input';
import type { PermissionView } from './permission.view';

function permissionView(row: Pick<PermissionRow, 'principalKind' | 'principalName' | 'role'>): PermissionView {
  const isRobot = row.principalKind === 'robot';
  return {
    role: row.role,
    name: row.principalName,
    is_robot: isRobot,
    avatar: { name: row.principalName, hash: '', color: '#0066cc', kind: isRobot ? 'robot' : 'user' },
    is_org_member: true,
  };
}

/** Roles granted to users and robots on repositories and organizations (Quay's permission API). */
@Injectable()
export class PermissionService {
  constructor(
    private readonly queries: PermissionQueries,
    private readonly commands: Commands,
  ) {}

  /** Quay's list: a map from each principal's name to its permission. */
  async list(scope: GrantScope) {
    const rows = await this.queries.grantsOn(scope);
    return { permissions: Object.fromEntries(rows.map((r) => [r.principalName, permissionView(r)])) };
  }

  async get(scope: GrantScope, name: string) {
    const principal = this.principal(name);
    const row = await this.queries.grantOf(scope, principal);
    if (!row) throw new NotFoundError(`${name} holds no permission on ${this.label(scope)}`);
    return permissionView(row);
  }

  async set(scope: GrantScope, name: string, body: unknown, causation: Causation) {
    const { value: { role }, ignored } = readBody(SET_PERMISSION_BODY, body);
    const principal = this.principal(name);
    await this.assertGrantable(scope, principal);
    await this.command(scope, { kind: 'grant', principal, role }, causation);
    return { view: permissionView({ principalKind: principal.kind, principalName: principal.name, role }), ignored };
  }

  async remove(scope: GrantScope, name: string, causation: Causation): Promise<void> {
    await this.command(scope, { kind: 'revoke', principal: this.principal(name) }, causation);
  }

  /** Grants `role` unless the principal holds it or more already (a mirror's robot needs write). */
  async ensureAtLeast(scope: GrantScope, principal: Principal, role: Role, causation: Causation): Promise<void> {
    const held = await this.queries.grantOf(scope, principal);
    if (held && ROLES.indexOf(held.role) >= ROLES.indexOf(role)) return;
    await this.command(scope, { kind: 'grant', principal, role }, causation);
  }

  /** Every role a principal holds, revoked: a deleted user or robot leaves nothing behind for a namesake. */
  async revokeEverywhere(principal: Principal, causation: Causation): Promise<void> {
    const rows = await this.queries.grantsHeldBy(principal);
    for (const row of rows) {
      await this.command({ namespace: row.namespace, repository: row.repository }, { kind: 'revoke', principal }, causation).catch((error: { code?: string }) => {
        // Already gone with its repository or organization.
        if (error.code !== 'PERMISSION_NOT_FOUND' && error.code !== 'REPOSITORY_NOT_FOUND' && error.code !== 'ORGANIZATION_NOT_FOUND') throw error;
      });
    }
  }

  private command(scope: GrantScope, command: { kind: 'grant'; principal: Principal; role: Role } | { kind: 'revoke'; principal: Principal }, causation: Causation) {
    return scope.repository === ''
      ? this.commands.run(AggregateKind.Organization, scope.namespace, organizationDecider, command, causation)
      : this.commands.run(AggregateKind.Repository, mirrorId(scope.namespace, scope.repository), repositoryDecider, command, causation);
  }

  private principal(name: string): Principal {
    const kind: PrincipalKind = robotNamespace(name) !== null ? 'robot' : 'user';
    const problem = kind === 'robot' ? robotUsernameProblem(name) : usernameProblem(name);
    if (problem) throw new InvalidRequestError([{ field: 'username', message: problem }]);
    return { kind, name };
  }

  /** The principal must exist; a robot only in its own organization; a user's own namespace stays theirs. */
  private async assertGrantable(scope: GrantScope, principal: Principal): Promise<void> {
    if (principal.kind === 'robot') {
      if (robotNamespace(principal.name) !== scope.namespace) throw new InvalidRequestError([{ field: 'username', message: `is a robot of another namespace than ${scope.namespace}` }]);
      if (!(await this.queries.principalExists(principal))) throw new InvalidRequestError([{ field: 'username', message: 'names no robot' }]);
      return;
    }
    if (principal.name === scope.namespace) throw new InvalidRequestError([{ field: 'username', message: 'owns the namespace, and the owner is always admin' }]);
    if (!(await this.queries.principalExists(principal))) throw new InvalidRequestError([{ field: 'username', message: 'names no user' }]);
  }

  private label(scope: GrantScope): string {
    return scope.repository === '' ? `organization ${scope.namespace}` : `${scope.namespace}/${scope.repository}`;
  }
}
