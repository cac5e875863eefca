import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires, type Caller } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause, CurrentCaller } from '../auth/request-caller';
import { answerWithWarning as answer } from '../http/quay-body';
import { readQuery } from '../http/query';
import { SUCCESS } from '../http/quay-view';
import { Operation } from '../http/operation';
import { SET_PERMISSION_BODY } from './permission.input';
import { PERMISSION_LIST, PERMISSION_VIEW } from './permission.view';
import { CHANGE_STATE_BODY, CHANGE_VISIBILITY_BODY, CREATE_REPOSITORY_BODY, UPDATE_REPOSITORY_BODY } from './repository.input';
import { CREATED_REPOSITORY, REPOSITORY_LIST, REPOSITORY_LIST_QUERY, REPOSITORY_VIEW } from './repository.view';
import { PermissionService } from './permission.service';
import { RepositoryService } from './repository.service';

/** Quay's repositories and their user and robot permissions. */
@Controller('api/v1/repository')
export class RepositoryController {
  constructor(
    private readonly repositories: RepositoryService,
    private readonly permissions: PermissionService,
  ) {}

  @Post()
  @HttpCode(201)
  @Requires(requires.createRepository())
  @Operation({ summary: 'Creates a repository (Quay\'s body; `namespace` defaults to the caller\'s own)', body: CREATE_REPOSITORY_BODY, responses: { 201: CREATED_REPOSITORY } })
  create(@CurrentCaller() caller: Caller, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answer(res, this.repositories.create(caller, body, cause));
  }

  /** Signed in is enough to ask; each repository is listed by the rules (and the token's scopes) that guard reading it. */
  @Get()
  @Requires(requires.signedIn('user:read'))
  @Operation({ summary: 'The repositories the caller may read, each with its mirror\'s status at a glance', query: REPOSITORY_LIST_QUERY, responses: { 200: REPOSITORY_LIST } })
  list(@CurrentCaller() caller: Caller, @Query() query: Record<string, unknown>) {
    const { namespace, next_page } = readQuery(REPOSITORY_LIST_QUERY, query);
    return this.repositories.list(caller, namespace, next_page ?? null);
  }

  @Get(':namespace/:repository')
  @Requires(requires.repository('read'))
  @Operation({ summary: 'A repository, with what the caller may do with it', responses: { 200: REPOSITORY_VIEW } })
  get(@CurrentCaller() caller: Caller, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    return this.repositories.get(caller, { namespace, repository });
  }

  @Put(':namespace/:repository')
  @Requires(requires.repository('write'))
  @Operation({ summary: 'Changes a repository\'s description', body: UPDATE_REPOSITORY_BODY, responses: { 200: SUCCESS } })
  update(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answer(res, this.repositories.update({ namespace, repository }, body, cause));
  }

  @Delete(':namespace/:repository')
  @HttpCode(204)
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Deletes a repository and its mirror (the target\'s images stay)', responses: { 204: null } })
  async delete(@Param('namespace') namespace: string, @Param('repository') repository: string, @Cause() cause: Causation) {
    await this.repositories.delete({ namespace, repository }, cause);
  }

  @Put(':namespace/:repository/changestate')
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Sets NORMAL, READ_ONLY or MIRROR; leaving MIRROR disables the mirror', body: CHANGE_STATE_BODY, responses: { 200: SUCCESS } })
  changeState(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answer(res, this.repositories.changeState({ namespace, repository }, body, cause));
  }

  @Post(':namespace/:repository/changevisibility')
  @HttpCode(200)
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Makes a repository public or private', body: CHANGE_VISIBILITY_BODY, responses: { 200: SUCCESS } })
  changeVisibility(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answer(res, this.repositories.changeVisibility({ namespace, repository }, body, cause));
  }

  @Get(':namespace/:repository/permissions/user')
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Roles granted on the repository', responses: { 200: PERMISSION_LIST } })
  async permissionList(@Param('namespace') namespace: string, @Param('repository') repository: string) {
    await this.repositories.find({ namespace, repository });
    return this.permissions.list({ namespace, repository });
  }

  @Get(':namespace/:repository/permissions/user/:username')
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'A user\'s or robot\'s role on the repository', responses: { 200: PERMISSION_VIEW } })
  async permission(@Param('namespace') namespace: string, @Param('repository') repository: string, @Param('username') username: string) {
    await this.repositories.find({ namespace, repository });
    return this.permissions.get({ namespace, repository }, username);
  }

  @Put(':namespace/:repository/permissions/user/:username')
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Grants a user or robot a role on the repository', body: SET_PERMISSION_BODY, responses: { 200: PERMISSION_VIEW } })
  async setPermission(
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Param('username') username: string,
    @Body() body: unknown,
    @Cause() cause: Causation,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.repositories.find({ namespace, repository });
    return answer(res, this.permissions.set({ namespace, repository }, username, body, cause));
  }

  @Delete(':namespace/:repository/permissions/user/:username')
  @HttpCode(204)
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Revokes a role on the repository', responses: { 204: null } })
  async removePermission(@Param('namespace') namespace: string, @Param('repository') repository: string, @Param('username') username: string, @Cause() cause: Causation) {
    await this.repositories.find({ namespace, repository });
    await this.permissions.remove({ namespace, repository }, username, cause);
  }
}
