import { Injectable } from '@nestjs/common';
import { AggregateKind, mirrorId, robotNamespace, robotUsernameProblem, usernameProblem, type MemberKind } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { organizationRole, repositoryDecider, teamDecider, teamId, type Caller, type TeamMember } from '@ferry/identity';
import type { PermissionRow, TeamRow } from '@ferry/read-models';
import { Commands } from '../commands';
import { GrantLookup } from '../auth/grant-lookup';
import { ForbiddenError, InvalidRequestError, NotFoundError } from '../http/problem';
import { readBody } from '../http/request-body';
import { PermissionQueries } from '../repositories/permission-queries';
import { TeamQueries } from './team-queries';
import { SAVE_TEAM_BODY, SET_TEAM_PERMISSION_BODY } from './team.input';
import type { OrganizationTeamView, TeamMemberListView, TeamMemberView, TeamPermissionView, TeamView } from './team.view';

/** Quay's team names (its UI's pattern): a lowercase letter, then lowercase letters and digits. */
const TEAM_NAME = /^[a-z][a-z0-9]+$/;
export function teamNameProblem(name: string): string | undefined {
  return name.length <= 255 && TEAM_NAME.test(name) ? undefined : 'must be 2 to 255 lowercase letters and digits, starting with a letter';
}

export const teamAvatar = (name: string) => ({ name, hash: '', color: '#0066cc', kind: 'team' });
const userAvatar = (name: string, isRobot: boolean) => ({ name, hash: '', color: '#0066cc', kind: isRobot ? 'robot' : 'user' });

export function memberView(kind: MemberKind, name: string): TeamMemberView {
  const isRobot = kind === 'robot';
  return { name, kind: 'user', is_robot: isRobot, avatar: userAvatar(name, isRobot), invited: false };
}

function teamPermissionView(row: Pick<PermissionRow, 'principalName' | 'role'>): TeamPermissionView {
  return { role: row.role, name: row.principalName, avatar: teamAvatar(row.principalName) };
}

/** Where a team's repository grant is held. */
export interface RepositoryPath {
  namespace: string;
  repository: string;
}

/**
 * Quay's teams: an organization's named groups of users and robots, each with a role in the
 * organization (`member`, `creator`, `admin`) and roles on repositories that count for every member.
 */
@Injectable()
export class TeamService {
  constructor(
    private readonly queries: TeamQueries,
    private readonly permissionQueries: PermissionQueries,
    private readonly grants: GrantLookup,
    private readonly commands: Commands,
  ) {}

  /** PUT: creates the team, or sets its role and description; Quay answers the team and whether it is new. */
  async save(caller: Caller, organization: string, name: string, body: unknown, causation: Causation) {
    this.assertName(name);
    await this.assertOrganization(organization);
    const { value: fields, ignored } = readBody(SAVE_TEAM_BODY, body);
    const existing = await this.queries.team(organization, name);
    const description = fields.description ?? existing?.description ?? '';
    await this.commands.run(AggregateKind.Team, teamId(organization, name), teamDecider, { kind: 'save', organization, team: name, role: fields.role, description }, causation);
    const view: TeamView = { name, description, can_view: await this.canView(caller, organization, name), role: fields.role, avatar: teamAvatar(name), new_team: existing === null };
    return { view, ignored };
  }

  /** DELETE: the team, its memberships and its repository grants. */
  async delete(organization: string, name: string, causation: Causation): Promise<void> {
    await this.find(organization, name);
    await this.commands.run(AggregateKind.Team, teamId(organization, name), teamDecider, { kind: 'delete' }, causation);
  }

  /** Every team of an organization, deleted with it. */
  async deleteAllOf(organization: string, causation: Causation): Promise<void> {
    for (const { team } of await this.queries.teamsIn(organization)) await this.delete(organization, team.name, causation);
  }

  async members(caller: Caller, organization: string, name: string): Promise<TeamMemberListView> {
    await this.find(organization, name);
    const rows = await this.queries.members(organization, name);
    const isAdmin = organizationRole(caller, await this.grants.grantsOf(caller, { namespace: organization })) === 'admin';
    if (!isAdmin && !rows.some((m) => m.memberKind === caller.kind && m.memberName === caller.username)) throw new ForbiddenError('only the organization\'s admins and the team\'s members see its members');
    return { name, members: rows.map((m) => memberView(m.memberKind, m.memberName)), can_edit: isAdmin };
  }

  /** PUT .../members/{member}: a user, or a robot of the organization; adding one already in changes nothing. */
  async addMember(organization: string, name: string, memberName: string, causation: Causation): Promise<TeamMemberView> {
    await this.find(organization, name);
    const member = this.member(memberName);
    if (member.kind === 'robot' && robotNamespace(member.name) !== organization) throw new InvalidRequestError([{ field: 'membername', message: `is a robot of another namespace than ${organization}` }]);
    if (!(await this.permissionQueries.principalExists(member))) throw new InvalidRequestError([{ field: 'membername', message: member.kind === 'robot' ? 'names no robot' : 'names no user' }]);
    await this.commands.run(AggregateKind.Team, teamId(organization, name), teamDecider, { kind: 'add-member', member }, causation);
    return memberView(member.kind, member.name);
  }

  async removeMember(organization: string, name: string, memberName: string, causation: Causation): Promise<void> {
    await this.find(organization, name);
    await this.commands.run(AggregateKind.Team, teamId(organization, name), teamDecider, { kind: 'remove-member', member: this.member(memberName) }, causation);
  }

  /** A deleted user or robot leaves no membership behind for a namesake. */
  async removeEverywhere(member: TeamMember, causation: Causation): Promise<void> {
    for (const row of await this.queries.membershipsOf(member.kind, member.name)) {
      await this.commands.run(AggregateKind.Team, teamId(row.organization, row.team), teamDecider, { kind: 'remove-member', member }, causation).catch((error: { code?: string }) => {
        // Already gone with its team.
        if (error.code !== 'TEAM_MEMBER_NOT_FOUND' && error.code !== 'TEAM_NOT_FOUND') throw error;
      });
    }
  }

  /** The organization's teams as its answer lists them, keyed and in order (Quay's `teams` and `ordered_teams`). */
  async organizationTeams(caller: Caller, organization: string): Promise<{ teams: Record<string, OrganizationTeamView>; ordered_teams: string[] }> {
    const teams = await this.queries.teamsIn(organization);
    const isAdmin = organizationRole(caller, await this.grants.grantsOf(caller, { namespace: organization })) === 'admin';
    const mine = new Set((await this.queries.membershipsOf(caller.kind, caller.username)).filter((m) => m.organization === organization).map((m) => m.team));
    const view = ({ team, memberCount, repoCount }: { team: TeamRow; memberCount: number; repoCount: number }): OrganizationTeamView => ({
      name: team.name,
      description: team.description,
      role: team.role,
      avatar: teamAvatar(team.name),
      can_view: isAdmin || mine.has(team.name),
      repo_count: repoCount,
      member_count: memberCount,
      is_synced: false,
    });
    return { teams: Object.fromEntries(teams.map((t) => [t.team.name, view(t)])), ordered_teams: teams.map((t) => t.team.name) };
  }

  // ---- a team's roles on repositories -----------------------------------------------------------

  async permissionList(path: RepositoryPath) {
    const rows = await this.permissionQueries.grantsOn(path, 'team');
    return { permissions: Object.fromEntries(rows.map((r) => [r.principalName, teamPermissionView(r)])) };
  }

  async permission(path: RepositoryPath, team: string): Promise<TeamPermissionView> {
    this.assertName(team);
    const row = await this.permissionQueries.grantOf(path, { kind: 'team', name: team });
    if (!row) throw new NotFoundError(`team ${team} holds no permission on ${path.namespace}/${path.repository}`);
    return teamPermissionView(row);
  }

  /** A team of the repository's own organization only. */
  async setPermission(path: RepositoryPath, team: string, body: unknown, causation: Causation) {
    this.assertName(team);
    const { value: { role }, ignored } = readBody(SET_TEAM_PERMISSION_BODY, body);
    if (!(await this.queries.team(path.namespace, team))) throw new InvalidRequestError([{ field: 'teamname', message: `names no team of ${path.namespace}` }]);
    await this.commands.run(AggregateKind.Repository, mirrorId(path.namespace, path.repository), repositoryDecider, { kind: 'grant', principal: { kind: 'team', name: team }, role }, causation);
    return { view: teamPermissionView({ principalName: team, role }), ignored };
  }

  async removePermission(path: RepositoryPath, team: string, causation: Causation): Promise<void> {
    this.assertName(team);
    await this.commands.run(AggregateKind.Repository, mirrorId(path.namespace, path.repository), repositoryDecider, { kind: 'revoke', principal: { kind: 'team', name: team } }, causation);
  }

  /** Quay's ViewTeamPermission: an organization admin, or one of the team's members. */
  private async canView(caller: Caller, organization: string, team: string): Promise<boolean> {
    if (organizationRole(caller, await this.grants.grantsOf(caller, { namespace: organization })) === 'admin') return true;
    return (await this.queries.members(organization, team)).some((m) => m.memberKind === caller.kind && m.memberName === caller.username);
  }

  private async find(organization: string, name: string): Promise<TeamRow> {
    this.assertName(name);
    const team = await this.queries.team(organization, name);
    if (!team) throw new NotFoundError(`no team ${name} in ${organization}`);
    return team;
  }

  private async assertOrganization(organization: string): Promise<void> {
    if (!(await this.queries.organization(organization))) throw new NotFoundError(`no organization ${organization}`);
  }

  private assertName(name: string): void {
    const problem = teamNameProblem(name);
    if (problem) throw new InvalidRequestError([{ field: 'teamname', message: problem }]);
  }

  private member(name: string): TeamMember {
    const kind: MemberKind = robotNamespace(name) !== null ? 'robot' : 'user';
    const problem = kind === 'robot' ? robotUsernameProblem(name) : usernameProblem(name);
    if (problem) throw new InvalidRequestError([{ field: 'membername', message: problem }]);
    return { kind, name };
  }
}
