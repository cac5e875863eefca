import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires, type Caller } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause, CurrentCaller } from '../auth/request-caller';
import { answerWithWarning as answer } from '../http/quay-body';
import { readQuery } from '../http/query';
import { Operation } from '../http/operation';
import { RepositoryService } from '../repositories/repository.service';
import { EntitySearchService } from './entity-search.service';
import { ENTITY_SEARCH_QUERY, SAVE_TEAM_BODY, SET_TEAM_PERMISSION_BODY } from './team.input';
import { ENTITY_SEARCH, TEAM_MEMBER_LIST, TEAM_MEMBER_VIEW, TEAM_PERMISSION_LIST, TEAM_PERMISSION_VIEW, TEAM_VIEW } from './team.view';
import { TeamService } from './team.service';

/** Quay's teams of an organization and their members. */
@Controller('api/v1/organization')
export class TeamController {
  constructor(private readonly teams: TeamService) {}

  @Put(':namespace/team/:teamname')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Creates a team, or changes its role (member, creator, admin) and description', body: SAVE_TEAM_BODY, responses: { 200: TEAM_VIEW } })
  save(@CurrentCaller() caller: Caller, @Param('namespace') namespace: string, @Param('teamname') teamname: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answer(res, this.teams.save(caller, namespace, teamname, body, cause));
  }

  @Delete(':namespace/team/:teamname')
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Deletes a team with its memberships and its roles on repositories', responses: { 204: null } })
  async delete(@Param('namespace') namespace: string, @Param('teamname') teamname: string, @Cause() cause: Causation) {
    await this.teams.delete(namespace, teamname, cause);
  }

  /** Quay's ViewTeamPermission: the organization's admins and the team's own members. */
  @Get(':namespace/team/:teamname/members')
  @Requires(requires.organization('read'))
  @Operation({ summary: 'The users and robots in a team', responses: { 200: TEAM_MEMBER_LIST } })
  members(@CurrentCaller() caller: Caller, @Param('namespace') namespace: string, @Param('teamname') teamname: string) {
    return this.teams.members(caller, namespace, teamname);
  }

  @Put(':namespace/team/:teamname/members/:membername')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Adds a user, or a robot of the organization, to a team', responses: { 200: TEAM_MEMBER_VIEW } })
  addMember(@Param('namespace') namespace: string, @Param('teamname') teamname: string, @Param('membername') membername: string, @Cause() cause: Causation) {
    return this.teams.addMember(namespace, teamname, membername, cause);
  }

  @Delete(':namespace/team/:teamname/members/:membername')
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Takes a user or robot out of a team', responses: { 204: null } })
  async removeMember(@Param('namespace') namespace: string, @Param('teamname') teamname: string, @Param('membername') membername: string, @Cause() cause: Causation) {
    await this.teams.removeMember(namespace, teamname, membername, cause);
  }
}

/** Quay's team permissions on a repository. */
@Controller('api/v1/repository')
export class TeamPermissionController {
  constructor(
    private readonly teams: TeamService,
    private readonly repositories: RepositoryService,
  ) {}

  @Get(':namespace/:repository/permissions/team')
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Teams\' roles on the repository', responses: { 200: TEAM_PERMISSION_LIST } })
  async list(@Param('namespace') namespace: string, @Param('repository') repository: string) {
    await this.repositories.find({ namespace, repository });
    return this.teams.permissionList({ namespace, repository });
  }

  @Get(':namespace/:repository/permissions/team/:teamname')
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'A team\'s role on the repository', responses: { 200: TEAM_PERMISSION_VIEW } })
  async get(@Param('namespace') namespace: string, @Param('repository') repository: string, @Param('teamname') teamname: string) {
    await this.repositories.find({ namespace, repository });
    return this.teams.permission({ namespace, repository }, teamname);
  }

  @Put(':namespace/:repository/permissions/team/:teamname')
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Grants a team of the organization a role on the repository; it counts for every member', body: SET_TEAM_PERMISSION_BODY, responses: { 200: TEAM_PERMISSION_VIEW } })
  async set(
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Param('teamname') teamname: string,
    @Body() body: unknown,
    @Cause() cause: Causation,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.repositories.find({ namespace, repository });
    return answer(res, this.teams.setPermission({ namespace, repository }, teamname, body, cause));
  }

  @Delete(':namespace/:repository/permissions/team/:teamname')
  @HttpCode(204)
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Revokes a team\'s role on the repository', responses: { 204: null } })
  async remove(@Param('namespace') namespace: string, @Param('repository') repository: string, @Param('teamname') teamname: string, @Cause() cause: Causation) {
    await this.repositories.find({ namespace, repository });
    await this.teams.removePermission({ namespace, repository }, teamname, cause);
  }
}

/** Quay's entity lookup, which its clients use to pick whom to grant something. */
@Controller('api/v1/entities')
export class EntitySearchController {
  constructor(private readonly entities: EntitySearchService) {}

  @Get(':prefix')
  @Requires(requires.signedIn('user:read'))
  @Operation({ summary: 'Users, and with `namespace` its robots, teams (`includeTeams`) and the organization itself (`includeOrgs`), whose names start with the prefix', query: ENTITY_SEARCH_QUERY, responses: { 200: ENTITY_SEARCH } })
  search(@CurrentCaller() caller: Caller, @Param('prefix') prefix: string, @Query() query: Record<string, unknown>) {
    return this.entities.search(caller, prefix, readQuery(ENTITY_SEARCH_QUERY, query));
  }
}
