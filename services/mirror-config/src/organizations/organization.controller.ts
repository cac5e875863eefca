import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires, type Caller } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause, CurrentCaller } from '../auth/request-caller';
import { answerJsonString, answerWithWarning } from '../http/quay-body';
import { Operation } from '../http/operation';
import { SET_PERMISSION_BODY } from '../repositories/permission.input';
import { PERMISSION_LIST, PERMISSION_VIEW } from '../repositories/permission.view';
import { CREATE_ORGANIZATION_BODY, UPDATE_ORGANIZATION_BODY } from './organization.input';
import { ORGANIZATION_CREATED, ORGANIZATION_VIEW } from './organization.view';
import { PermissionService } from '../repositories/permission.service';
import { OrganizationService } from './organization.service';

/** Quay's organizations; plus, as Ferry's own, roles on a whole organization. */
@Controller('api/v1/organization')
export class OrganizationController {
  constructor(
    private readonly organizations: OrganizationService,
    private readonly permissions: PermissionService,
  ) {}

  @Post()
  @HttpCode(201)
  @Requires(requires.signedIn('user:admin'))
  @Operation({ summary: 'Creates an organization; the creator becomes its admin', body: CREATE_ORGANIZATION_BODY, responses: { 201: ORGANIZATION_CREATED } })
  create(@CurrentCaller() caller: Caller, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerJsonString(res, this.organizations.create(caller, body, cause));
  }

  @Get(':namespace')
  @Requires(requires.organization('read'))
  @Operation({ summary: 'An organization', responses: { 200: ORGANIZATION_VIEW } })
  get(@CurrentCaller() caller: Caller, @Param('namespace') namespace: string) {
    return this.organizations.get(caller, namespace);
  }

  @Put(':namespace')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Changes an organization\'s contact address', body: UPDATE_ORGANIZATION_BODY, responses: { 200: ORGANIZATION_VIEW } })
  update(@CurrentCaller() caller: Caller, @Param('namespace') namespace: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.organizations.update(caller, namespace, body, cause));
  }

  @Delete(':namespace')
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Deletes an organization with its repositories, mirrors, organization mirror and robots (the target\'s images stay)', responses: { 204: null } })
  async delete(@Param('namespace') namespace: string, @Cause() cause: Causation) {
    await this.organizations.delete(namespace, cause);
  }

  @Get(':namespace/permissions/user')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Roles granted on the whole organization', responses: { 200: PERMISSION_LIST } })
  permissionList(@Param('namespace') namespace: string) {
    return this.permissions.list({ namespace, repository: '' });
  }

  @Get(':namespace/permissions/user/:username')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'A user\'s or robot\'s role on the organization', responses: { 200: PERMISSION_VIEW } })
  permission(@Param('namespace') namespace: string, @Param('username') username: string) {
    return this.permissions.get({ namespace, repository: '' }, username);
  }

  @Put(':namespace/permissions/user/:username')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Grants a user or robot a role on the whole organization', body: SET_PERMISSION_BODY, responses: { 200: PERMISSION_VIEW } })
  setPermission(@Param('namespace') namespace: string, @Param('username') username: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.permissions.set({ namespace, repository: '' }, username, body, cause));
  }

  @Delete(':namespace/permissions/user/:username')
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Revokes a role on the organization', responses: { 204: null } })
  async removePermission(@Param('namespace') namespace: string, @Param('username') username: string, @Cause() cause: Causation) {
    await this.permissions.remove({ namespace, repository: '' }, username, cause);
  }
}
