import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires, type Caller } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause, CurrentCaller } from '../auth/request-caller';
import { answerJsonString, answerWithWarning } from '../http/quay-body';
import { Operation } from '../http/operation';
import { CREATE_QUOTA_BODY, CREATE_QUOTA_LIMIT_BODY, UPDATE_QUOTA_BODY, UPDATE_QUOTA_LIMIT_BODY } from './quota.input';
import { QUOTA_CREATED, QUOTA_LIMIT_LIST, QUOTA_LIMIT_VIEW, QUOTA_LIST, QUOTA_VIEW } from './quota.view';
import { QuotaService } from './quota.service';

/**
 * Quay's organization quota and its limits. Members read them, as in Quay; changing them needs
 * organization admin (Quay asks for a superuser: Ferry's superusers, acting as such, administer
 * every organization, so Quay's superuser clients are let through too).
 */
@Controller('api/v1/organization/:namespace/quota')
export class QuotaController {
  constructor(private readonly quotas: QuotaService) {}

  @Get()
  @Requires(requires.organization('read'))
  @Operation({ summary: 'The organization\'s quota (Quay keeps at most one), with its limits', responses: { 200: QUOTA_LIST } })
  list(@Param('namespace') namespace: string) {
    return this.quotas.list(namespace);
  }

  @Post()
  @HttpCode(201)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Sets the organization\'s quota (`limit_bytes`, or `limit` such as "10 GiB"); 400 when it has one', body: CREATE_QUOTA_BODY, responses: { 201: QUOTA_CREATED } })
  create(@Param('namespace') namespace: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerJsonString(res, this.quotas.create(namespace, body, cause));
  }

  @Get(':quotaId')
  @Requires(requires.organization('read'))
  @Operation({ summary: 'The organization\'s quota', responses: { 200: QUOTA_VIEW } })
  get(@Param('namespace') namespace: string, @Param('quotaId') quotaId: string) {
    return this.quotas.get(namespace, quotaId);
  }

  @Put(':quotaId')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Changes the quota\'s size (its limits keep their percentages)', body: UPDATE_QUOTA_BODY, responses: { 200: QUOTA_VIEW } })
  update(@Param('namespace') namespace: string, @Param('quotaId') quotaId: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.quotas.update(namespace, quotaId, body, cause));
  }

  @Delete(':quotaId')
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Removes the quota and its limits (the usage stays counted)', responses: { 204: null } })
  async delete(@Param('namespace') namespace: string, @Param('quotaId') quotaId: string, @Cause() cause: Causation) {
    await this.quotas.delete(namespace, quotaId, cause);
  }

  @Get(':quotaId/limit')
  @Requires(requires.organization('read'))
  @Operation({ summary: 'The quota\'s limits', responses: { 200: QUOTA_LIMIT_LIST } })
  limits(@Param('namespace') namespace: string, @Param('quotaId') quotaId: string) {
    return this.quotas.limits(namespace, quotaId);
  }

  @Post(':quotaId/limit')
  @HttpCode(201)
  @Requires(requires.organization('admin'))
  @Operation({
    summary: 'Adds a limit: `Warning` (soft: recorded when reached) or `Reject` (hard: a run that would pass it writes nothing and fails `QUOTA_EXCEEDED`) at `threshold_percent` of the quota',
    body: CREATE_QUOTA_LIMIT_BODY,
    responses: { 201: QUOTA_CREATED },
  })
  createLimit(@Param('namespace') namespace: string, @Param('quotaId') quotaId: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerJsonString(res, this.quotas.createLimit(namespace, quotaId, body, cause));
  }

  @Get(':quotaId/limit/:limitId')
  @Requires(requires.organization('read'))
  @Operation({ summary: 'One limit of the quota', responses: { 200: QUOTA_LIMIT_VIEW } })
  limit(@Param('namespace') namespace: string, @Param('quotaId') quotaId: string, @Param('limitId') limitId: string) {
    return this.quotas.limit(namespace, quotaId, limitId);
  }

  @Put(':quotaId/limit/:limitId')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Changes a limit\'s type or threshold; answers the whole quota, as Quay', body: UPDATE_QUOTA_LIMIT_BODY, responses: { 200: QUOTA_VIEW } })
  updateLimit(
    @Param('namespace') namespace: string,
    @Param('quotaId') quotaId: string,
    @Param('limitId') limitId: string,
    @Body() body: unknown,
    @Cause() cause: Causation,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answerWithWarning(res, this.quotas.updateLimit(namespace, quotaId, limitId, body, cause));
  }

  @Delete(':quotaId/limit/:limitId')
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Removes a limit', responses: { 204: null } })
  async deleteLimit(@Param('namespace') namespace: string, @Param('quotaId') quotaId: string, @Param('limitId') limitId: string, @Cause() cause: Causation) {
    await this.quotas.deleteLimit(namespace, quotaId, limitId, cause);
  }
}

/** Quay's quota of the caller's own namespace (set by a superuser: `/superuser/users/{name}/quota`). */
@Controller('api/v1/user/quota')
export class UserQuotaController {
  constructor(private readonly quotas: QuotaService) {}

  @Get()
  @Requires(requires.signedIn('user:admin'))
  @Operation({ summary: 'The quota of the caller\'s own namespace (an empty list: none)', responses: { 200: QUOTA_LIST } })
  list(@CurrentCaller() caller: Caller) {
    return this.quotas.list(caller.username, 'namespace');
  }

  @Get(':quotaId')
  @Requires(requires.signedIn('user:admin'))
  @Operation({ summary: 'The quota of the caller\'s own namespace', responses: { 200: QUOTA_VIEW } })
  get(@CurrentCaller() caller: Caller, @Param('quotaId') quotaId: string) {
    return this.quotas.get(caller.username, quotaId, 'namespace');
  }

  @Get(':quotaId/limit')
  @Requires(requires.signedIn('user:admin'))
  @Operation({ summary: 'The limits of the caller\'s own quota', responses: { 200: QUOTA_LIMIT_LIST } })
  limits(@CurrentCaller() caller: Caller, @Param('quotaId') quotaId: string) {
    return this.quotas.limits(caller.username, quotaId, 'namespace');
  }

  /** Quay answers this one with the whole quota (a slip of its code); Ferry answers the limit, as the organization's route does. */
  @Get(':quotaId/limit/:limitId')
  @Requires(requires.signedIn('user:admin'))
  @Operation({ summary: 'One limit of the caller\'s own quota', responses: { 200: QUOTA_LIMIT_VIEW } })
  limit(@CurrentCaller() caller: Caller, @Param('quotaId') quotaId: string, @Param('limitId') limitId: string) {
    return this.quotas.limit(caller.username, quotaId, limitId, 'namespace');
  }
}

/**
 * Quay's superuser quota routes, for an organization or a user's namespace (Quay takes either
 * under both paths): the quota itself; its limits are set through the organization's routes.
 */
@Controller('api/v1/superuser')
export class SuperuserQuotaController {
  constructor(private readonly quotas: QuotaService) {}

  @Get('organization/:namespace/quota')
  @Requires(requires.superuser())
  @Operation({ summary: 'A namespace\'s quota, for superusers', responses: { 200: QUOTA_LIST } })
  listForOrganization(@Param('namespace') namespace: string) {
    return this.quotas.list(namespace, 'namespace');
  }

  @Post('organization/:namespace/quota')
  @HttpCode(201)
  @Requires(requires.superuser())
  @Operation({ summary: 'Sets a namespace\'s quota, for superusers', body: CREATE_QUOTA_BODY, responses: { 201: QUOTA_CREATED } })
  createForOrganization(@Param('namespace') namespace: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerJsonString(res, this.quotas.create(namespace, body, cause, 'namespace'));
  }

  @Put('organization/:namespace/quota/:quotaId')
  @Requires(requires.superuser())
  @Operation({ summary: 'Changes a namespace\'s quota, for superusers', body: UPDATE_QUOTA_BODY, responses: { 200: QUOTA_VIEW } })
  updateForOrganization(@Param('namespace') namespace: string, @Param('quotaId') quotaId: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.quotas.update(namespace, quotaId, body, cause, 'namespace'));
  }

  @Delete('organization/:namespace/quota/:quotaId')
  @HttpCode(204)
  @Requires(requires.superuser())
  @Operation({ summary: 'Removes a namespace\'s quota, for superusers', responses: { 204: null } })
  async deleteForOrganization(@Param('namespace') namespace: string, @Param('quotaId') quotaId: string, @Cause() cause: Causation) {
    await this.quotas.delete(namespace, quotaId, cause, 'namespace');
  }

  @Get('users/:namespace/quota')
  @Requires(requires.superuser())
  @Operation({ summary: 'A namespace\'s quota, for superusers (a user\'s, by Quay\'s path)', responses: { 200: QUOTA_LIST } })
  listForUser(@Param('namespace') namespace: string) {
    return this.quotas.list(namespace, 'namespace');
  }

  @Post('users/:namespace/quota')
  @HttpCode(201)
  @Requires(requires.superuser())
  @Operation({ summary: 'Sets a namespace\'s quota, for superusers (a user\'s, by Quay\'s path)', body: CREATE_QUOTA_BODY, responses: { 201: QUOTA_CREATED } })
  createForUser(@Param('namespace') namespace: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerJsonString(res, this.quotas.create(namespace, body, cause, 'namespace'));
  }

  @Put('users/:namespace/quota/:quotaId')
  @Requires(requires.superuser())
  @Operation({ summary: 'Changes a namespace\'s quota, for superusers (a user\'s, by Quay\'s path)', body: UPDATE_QUOTA_BODY, responses: { 200: QUOTA_VIEW } })
  updateForUser(@Param('namespace') namespace: string, @Param('quotaId') quotaId: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.quotas.update(namespace, quotaId, body, cause, 'namespace'));
  }

  @Delete('users/:namespace/quota/:quotaId')
  @HttpCode(204)
  @Requires(requires.superuser())
  @Operation({ summary: 'Removes a namespace\'s quota, for superusers (a user\'s, by Quay\'s path)', responses: { 204: null } })
  async deleteForUser(@Param('namespace') namespace: string, @Param('quotaId') quotaId: string, @Cause() cause: Causation) {
    await this.quotas.delete(namespace, quotaId, cause, 'namespace');
  }
}
