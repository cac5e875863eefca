import { Inject, Injectable } from '@nestjs/common';
import { In, type DataSource } from 'typeorm';
import type { Principal } from '@ferry/identity';
import { PermissionRow, RobotRow, UserRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';

/** Where a grant is held: a repository, or (repository '') a whole organization. */
export interface GrantScope {
  namespace: string;
  repository: string;
}

/** What the permission routes read: the `permissions` read model, and whether a principal exists to be granted. */
@Injectable()
export class PermissionQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** The grants held on exactly this scope (an organization's are not a repository's), by principal name: users' and robots', or teams'. */
  grantsOn(scope: GrantScope, holders: 'users-and-robots' | 'team' = 'users-and-robots'): Promise<PermissionRow[]> {
    const principalKind = holders === 'team' ? 'team' : In(['user', 'robot']);
    return this.dataSource.getRepository(PermissionRow).find({ where: { namespace: scope.namespace, repository: scope.repository, principalKind }, order: { principalName: 'ASC' } });
  }

  grantOf(scope: GrantScope, principal: Principal): Promise<PermissionRow | null> {
    return this.dataSource.getRepository(PermissionRow).findOneBy({ ...scope, principalKind: principal.kind, principalName: principal.name });
  }

  /** Every grant the principal holds, wherever. */
  grantsHeldBy(principal: Principal): Promise<PermissionRow[]> {
    return this.dataSource.getRepository(PermissionRow).findBy({ principalKind: principal.kind, principalName: principal.name });
  }

  principalExists(principal: Principal): Promise<boolean> {
    return principal.kind === 'robot'
      ? this.dataSource.getRepository(RobotRow).existsBy({ username: principal.name })
      : this.dataSource.getRepository(UserRow).existsBy({ username: principal.name });
  }
}
