import { Inject, Injectable } from '@nestjs/common';
import { In, type DataSource } from 'typeorm';
import type { MemberKind, TeamRole } from '@ferry/contracts';
import { OrganizationRow, PermissionRow, RobotRow, TeamMemberRow, TeamRow, UserRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';

/** A team with how many members and repository grants it holds (Quay's organization answer counts both). */
export interface TeamWithCounts {
  team: TeamRow;
  memberCount: number;
  repoCount: number;
}

/** A team's role in an organization a member is in. */
export interface MembershipRole {
  organization: string;
  role: TeamRole;
}

/** What the team routes and the entity search read: `teams`, `team_members`, the team rows of `permissions`, and users, robots and organizations by prefix. */
@Injectable()
export class TeamQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  team(organization: string, name: string): Promise<TeamRow | null> {
    return this.dataSource.getRepository(TeamRow).findOneBy({ organization, name });
  }

  /** The organization's teams in the order they were made (Quay's, by id), each with its counts. */
  async teamsIn(organization: string): Promise<TeamWithCounts[]> {
    const teams = await this.dataSource.getRepository(TeamRow).find({ where: { organization }, order: { createdAt: 'ASC', name: 'ASC' } });
    if (!teams.length) return [];
    const members = await this.dataSource.getRepository(TeamMemberRow).findBy({ organization });
    const grants = await this.dataSource.getRepository(PermissionRow).findBy({ namespace: organization, principalKind: 'team' });
    return teams.map((team) => ({
      team,
      memberCount: members.filter((m) => m.team === team.name).length,
      repoCount: grants.filter((g) => g.principalName === team.name).length,
    }));
  }

  members(organization: string, team: string): Promise<TeamMemberRow[]> {
    return this.dataSource.getRepository(TeamMemberRow).find({ where: { organization, team }, order: { memberName: 'ASC' } });
  }

  /** The teams a user or robot is in, wherever: deleting it takes it out of each. */
  membershipsOf(kind: MemberKind, name: string): Promise<TeamMemberRow[]> {
    return this.dataSource.getRepository(TeamMemberRow).findBy({ memberKind: kind, memberName: name });
  }

  /** The roles of the teams a user or robot is in, by organization. */
  async rolesOf(kind: MemberKind, name: string): Promise<MembershipRole[]> {
    const rows: { organization: string; role: TeamRole }[] = await this.dataSource.query(
      `SELECT t.organization, t.role FROM team_members m JOIN teams t ON t.organization = m.organization AND t.name = m.team
        WHERE m.member_kind = $1 AND m.member_name = $2`,
      [kind, name],
    );
    return rows;
  }

  /** The repository grants of the teams a user or robot is in. */
  grantsThroughTeams(kind: MemberKind, name: string): Promise<{ namespace: string; repository: string; role: PermissionRow['role'] }[]> {
    return this.dataSource.query(
      `SELECT p.namespace, p.repository, p.role FROM team_members m
         JOIN permissions p ON p.namespace = m.organization AND p.principal_kind = 'team' AND p.principal_name = m.team
        WHERE m.member_kind = $1 AND m.member_name = $2`,
      [kind, name],
    );
  }

  /** Whether a user is in any team of the organization (Quay's `is_org_member`), for several users at once. */
  async orgMembers(organization: string, usernames: string[]): Promise<Set<string>> {
    if (!usernames.length) return new Set();
    const rows = await this.dataSource.getRepository(TeamMemberRow).findBy({ organization, memberKind: 'user', memberName: In(usernames) });
    const granted = await this.dataSource.getRepository(PermissionRow).findBy({ namespace: organization, principalKind: 'user', principalName: In(usernames) });
    return new Set([...rows.map((r) => r.memberName), ...granted.map((g) => g.principalName)]);
  }

  /** Names starting with `prefix` (a LIKE pattern's wildcards in it match themselves). */
  async usersStartingWith(prefix: string, limit: number): Promise<string[]> {
    const rows = await this.dataSource.getRepository(UserRow).createQueryBuilder('u').select('u.username', 'username').where(`u.username LIKE :p ESCAPE '\\'`, { p: likePrefix(prefix) }).orderBy('u.username').limit(limit).getRawMany<{ username: string }>();
    return rows.map((r) => r.username);
  }

  /** `prefix` is a whole robot name's (`ns+name`) start. */
  async robotsStartingWith(namespace: string, prefix: string, limit: number): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(RobotRow)
      .createQueryBuilder('r')
      .select('r.username', 'username')
      .where(`r.namespace = :namespace AND r.username LIKE :p ESCAPE '\\'`, { namespace, p: likePrefix(prefix) })
      .orderBy('r.username')
      .limit(limit)
      .getRawMany<{ username: string }>();
    return rows.map((r) => r.username);
  }

  async teamsStartingWith(organization: string, prefix: string): Promise<string[]> {
    const rows = await this.dataSource.getRepository(TeamRow).createQueryBuilder('t').select('t.name', 'name').where(`t.organization = :organization AND t.name LIKE :p ESCAPE '\\'`, { organization, p: likePrefix(prefix) }).orderBy('t.name').getRawMany<{ name: string }>();
    return rows.map((r) => r.name);
  }

  organization(name: string): Promise<OrganizationRow | null> {
    return this.dataSource.getRepository(OrganizationRow).findOneBy({ name });
  }
}

const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
