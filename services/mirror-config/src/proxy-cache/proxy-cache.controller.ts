import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause } from '../auth/request-caller';
import { Operation } from '../http/operation';
import { answerJsonString, warnIgnored } from '../http/quay-body';
import { MIRROR_VIEW, mirrorView } from '../mirror/mirror.view';
import { PROXY_CACHE_BODY, PROXY_CACHE_PROMOTE_BODY } from './proxy-cache.input';
import { PROXY_CACHE_LOGS_QUERY, ProxyCacheService } from './proxy-cache.service';
import { USAGE_LOGS } from '../runs/run.view';
import { PROXY_CACHE_CREATED, PROXY_CACHE_DELETED, PROXY_CACHE_VALID, PROXY_CACHE_VIEW } from './proxy-cache.view';

/**
 * Quay's proxy-cache organizations (`endpoints/api/organization.py`, `OrganizationProxyCacheConfig`
 * and `ProxyCacheConfigValidation`): same paths, fields, statuses and answers. Reading needs
 * membership (Quay's member permission), changing needs admin.
 */
@Controller('api/v1')
export class ProxyCacheController {
  constructor(private readonly proxyCaches: ProxyCacheService) {}

  @Get('organization/:namespace/proxycache')
  @Requires(requires.organization('read'))
  @Operation({ summary: 'The organization\'s proxy-cache settings (empty strings when it has none, as Quay); never the credentials', responses: { 200: PROXY_CACHE_VIEW } })
  get(@Param('namespace') namespace: string) {
    return this.proxyCaches.get(namespace);
  }

  @Post('organization/:namespace/proxycache')
  @HttpCode(201)
  @Requires(requires.organization('admin'))
  @Operation({
    summary: 'Makes the organization a proxy cache of an upstream registry: pulls through the registry front fetch what it lacks',
    description: 'One per organization (a second is a 400, as Quay). The password is stored encrypted.',
    body: PROXY_CACHE_BODY,
    responses: { 201: PROXY_CACHE_CREATED },
  })
  create(@Param('namespace') namespace: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerJsonString(res, this.proxyCaches.create(namespace, body, cause));
  }

  @Delete('organization/:namespace/proxycache')
  @HttpCode(201)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Ends the proxy cache (201 "Deleted", as Quay); what it cached stays in the target', responses: { 201: PROXY_CACHE_DELETED } })
  delete(@Param('namespace') namespace: string, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerJsonString(res, this.proxyCaches.delete(namespace, cause));
  }

  @Get('organization/:namespace/proxycache/logs')
  @Requires(requires.organization('admin'))
  @Operation({
    summary: 'Ferry\'s usage log of the proxy cache: its settings\' events and every fill, refresh and stale answer of the registry front, newest first, each in one sentence',
    query: PROXY_CACHE_LOGS_QUERY,
    responses: { 200: USAGE_LOGS },
  })
  logs(@Param('namespace') namespace: string, @Query() query: Record<string, unknown>) {
    return this.proxyCaches.logs(namespace, query);
  }

  @Post('organization/:namespace/validateproxycache')
  @HttpCode(202)
  @Requires(requires.organization('admin'))
  @Operation({
    summary: 'Checks that the upstream answers with these settings (202 "Valid" or "Anonymous"; 400 when it does not); stores nothing',
    body: PROXY_CACHE_BODY,
    responses: { 202: PROXY_CACHE_VALID },
  })
  validate(@Param('namespace') namespace: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    return answerJsonString(res, this.proxyCaches.validate(namespace, body));
  }

  @Post('repository/:namespace/:repository/proxycache/promote')
  @HttpCode(201)
  @Requires(requires.organization('admin'))
  @Operation({
    summary: 'Ferry\'s: makes a repository pulled through the cache a scheduled mirror of its upstream (the pulled tags by default)',
    description: 'Creates the repository\'s mirror as POST .../mirror does, with the proxy cache\'s upstream, credentials and TLS setting.',
    body: PROXY_CACHE_PROMOTE_BODY,
    responses: { 201: MIRROR_VIEW },
  })
  async promote(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    const { row, ignored } = await this.proxyCaches.promote(namespace, repository, body, cause);
    warnIgnored(res, ignored);
    return mirrorView(row);
  }
}
