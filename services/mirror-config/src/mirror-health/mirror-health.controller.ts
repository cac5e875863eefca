import { Controller, Get, Param, Query } from '@nestjs/common';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { readQuery } from '../http/query';
import { Operation } from '../http/operation';
import { MirrorHealthService } from './mirror-health.service';
import { MIRROR_HEALTH_QUERY, MIRROR_HEALTH_VIEW, ORGANIZATION_MIRROR_HEALTH_QUERY } from './mirror-health.view';

/**
 * The mirror-health summary: counts of mirrors by status, the stale ones and the failing ones.
 * Quay's path answers for every mirror (superusers only; Quay's `?namespace=` narrows it); an
 * organization's members read their organization's.
 */
@Controller('api/v1')
export class MirrorHealthController {
  constructor(private readonly health: MirrorHealthService) {}

  @Get('repository/mirror/health')
  @Requires(requires.superuser())
  @Operation({ summary: 'The health of every mirror (superusers): counts by status, the stale and the failing ones', query: MIRROR_HEALTH_QUERY, responses: { 200: MIRROR_HEALTH_VIEW } })
  all(@Query() query: Record<string, unknown>) {
    const { namespace, limit } = readQuery(MIRROR_HEALTH_QUERY, query);
    return this.health.summary(namespace, limit);
  }

  @Get('organization/:namespace/mirror/health')
  @Requires(requires.organization('read'))
  @Operation({ summary: 'The health of an organization\'s mirrors: counts by status, the stale and the failing ones', query: ORGANIZATION_MIRROR_HEALTH_QUERY, responses: { 200: MIRROR_HEALTH_VIEW } })
  ofOrganization(@Param('namespace') namespace: string, @Query() query: Record<string, unknown>) {
    return this.health.summary(namespace, readQuery(ORGANIZATION_MIRROR_HEALTH_QUERY, query).limit);
  }
}
