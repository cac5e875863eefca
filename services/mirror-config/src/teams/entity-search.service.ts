import { Injectable } from '@nestjs/common';
import { robotUsername } from '@ferry/contracts';
import { organizationRole, type Caller } from '@ferry/identity';
import { GrantLookup } from '../auth/grant-lookup';
import { TeamQueries } from './team-queries';
import { teamAvatar } from './team.service';
import { truthy } from './team.input';
import type { EntitySearchView, EntityView } from './team.view';

/** Quay's page of users: it looks up at most ten. */
const MATCHING_USERS = 10;

export interface EntitySearchQuery {
  namespace?: string;
  includeTeams?: string;
  includeOrgs?: string;
}

/**
 * Quay's EntitySearch: users whose names start with the prefix; in an organization the caller is a
 * member of, also its robots, its teams (`includeTeams`) and, for its admins, the organization
 * itself (`includeOrgs`); in the caller's own namespace, the caller's robots.
 */
@Injectable()
export class EntitySearchService {
  constructor(
    private readonly queries: TeamQueries,
    private readonly grants: GrantLookup,
  ) {}

  async search(caller: Caller, rawPrefix: string, query: EntitySearchQuery): Promise<EntitySearchView> {
    // As Quay: no spaces, lowercase (names hold neither).
    const prefix = rawPrefix.replace(/\s/g, '').toLowerCase();
    const namespace = query.namespace ?? '';
    const organization = namespace ? await this.queries.organization(namespace) : null;
    let robotNamespace: string | null = null;
    let teams: EntityView[] = [];
    const orgs: EntityView[] = [];
    if (organization) {
      const role = organizationRole(caller, await this.grants.grantsOf(caller, { namespace }));
      if (role !== null) {
        robotNamespace = namespace;
        if (truthy(query.includeTeams)) {
          teams = (await this.queries.teamsStartingWith(namespace, prefix)).map((name) => ({ name, kind: 'team', is_org_member: true, avatar: teamAvatar(name) }));
        }
        if (truthy(query.includeOrgs) && role === 'admin' && namespace.startsWith(prefix)) {
          orgs.push({ name: namespace, kind: 'org', is_org_member: true, avatar: { name: namespace, hash: '', color: '#0066cc', kind: 'org' } });
        }
      }
    } else if (namespace && caller.username === namespace) {
      robotNamespace = namespace;
    }
    const users = await this.queries.usersStartingWith(prefix, MATCHING_USERS);
    const robots = robotNamespace ? await this.queries.robotsStartingWith(robotNamespace, robotUsername(robotNamespace, prefix), MATCHING_USERS) : [];
    const members = organization ? await this.queries.orgMembers(namespace, users) : new Set<string>();
    const userView = (name: string, isRobot: boolean): EntityView => ({
      name,
      kind: 'user',
      is_robot: isRobot,
      avatar: { name, hash: '', color: '#0066cc', kind: isRobot ? 'robot' : 'user' },
      ...(organization ? { is_org_member: isRobot || members.has(name) } : {}),
    });
    return { results: [...teams, ...users.map((u) => userView(u, false)), ...robots.map((r) => userView(r, true)), ...orgs] };
  }
}
