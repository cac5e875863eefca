import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause } from '../auth/request-caller';
import { answerWithWarning } from '../http/quay-body';
import { Operation } from '../http/operation';
import { USAGE_LOGS } from '../runs/run.view';
import { ORG_MIRROR_CREATE_BODY, ORG_MIRROR_UPDATE_BODY } from './org-mirror.input';
import { ORG_MIRROR_DELETE_QUERY, ORG_MIRROR_LOGS_QUERY, ORG_MIRROR_REPOSITORIES_QUERY, OrgMirrorService } from './org-mirror.service';
import { ORG_MIRROR_REPOSITORIES, ORG_MIRROR_VERIFICATION, ORG_MIRROR_VIEW } from './org-mirror.view';

/**
 * Quay's organization mirroring API (`endpoints/api/org_mirror.py`): same paths, fields and
 * answers; every route needs admin on the organization, as Quay's. Ferry adds DELETE's
 * `?delete_repositories`, the usage log, and the fields beside Quay's in the body.
 */
@Controller('api/v1/organization/:namespace/mirror')
export class OrgMirrorController {
  constructor(private readonly orgMirrors: OrgMirrorService) {}

  @Post()
  @HttpCode(201)
  @Requires(requires.organization('admin'))
  @Operation({
    summary: 'Creates the organization\'s mirror: its discoveries mirror every repository of the upstream namespace the filters select',
    description: 'One per organization, and only in an organization without repositories (Quay\'s rules).',
    body: ORG_MIRROR_CREATE_BODY,
    responses: { 201: ORG_MIRROR_VIEW },
  })
  create(@Param('namespace') namespace: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.orgMirrors.create(namespace, body, cause));
  }

  @Get()
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'The organization\'s mirror, as Quay shows it, with its repositories counted by status', responses: { 200: ORG_MIRROR_VIEW } })
  get(@Param('namespace') namespace: string) {
    return this.orgMirrors.get(namespace);
  }

  @Put()
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Changes the organization\'s mirror (absent fields keep their values); its repositories follow', body: ORG_MIRROR_UPDATE_BODY, responses: { 200: ORG_MIRROR_VIEW } })
  update(@Param('namespace') namespace: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.orgMirrors.update(namespace, body, cause));
  }

  @Delete()
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  @Operation({
    summary: 'Deletes the organization\'s mirror: its repositories stop mirroring, and stay unless ?delete_repositories=true',
    query: ORG_MIRROR_DELETE_QUERY,
    responses: { 204: null },
  })
  async delete(@Param('namespace') namespace: string, @Query() query: Record<string, unknown>, @Cause() cause: Causation) {
    await this.orgMirrors.delete(namespace, query, cause);
  }

  @Post('sync-now')
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Discovers now (400 while a discovery runs, as Quay)', responses: { 204: null } })
  async syncNow(@Param('namespace') namespace: string, @Cause() cause: Causation) {
    await this.orgMirrors.syncNow(namespace, cause);
  }

  @Post('sync-cancel')
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Cancels the discovery in flight or requested, else sets CANCEL (400 when already cancelled, as Quay)', responses: { 204: null } })
  async cancel(@Param('namespace') namespace: string, @Cause() cause: Causation) {
    await this.orgMirrors.cancel(namespace, cause);
  }

  @Post('verify')
  @HttpCode(200)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Tests the connection, credentials and TLS by listing the upstream\'s first page of repositories; writes nothing', responses: { 200: ORG_MIRROR_VERIFICATION } })
  verify(@Param('namespace') namespace: string) {
    return this.orgMirrors.verify(namespace);
  }

  @Get('repositories')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'The discovered repositories by name, a page at a time, each with its mirror\'s status (SKIP: gone upstream)', query: ORG_MIRROR_REPOSITORIES_QUERY, responses: { 200: ORG_MIRROR_REPOSITORIES } })
  repositories(@Param('namespace') namespace: string, @Query() query: Record<string, unknown>) {
    return this.orgMirrors.repositories(namespace, query);
  }

  @Get('logs')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Ferry\'s usage log of the organization mirror: its events, newest first, each in one sentence', query: ORG_MIRROR_LOGS_QUERY, responses: { 200: USAGE_LOGS } })
  logs(@Param('namespace') namespace: string, @Query() query: Record<string, unknown>) {
    return this.orgMirrors.logs(namespace, query);
  }
}
