import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { requires } from '@ferry/identity';
import { READINESS, type Readiness } from '@ferry/service-runtime';
import { Requires } from '../auth/permission';
import { Operation } from '../http/operation';
import { LIVENESS, READINESS_VIEW } from './health.view';

/**
 * `/healthz` and `/readyz` on the API's port too, beside the metrics port every service serves
 * them on: the same {@link Readiness} (NATS, Postgres, the API's projections). Public, as probes
 * are; they say which dependency is down, never a secret.
 */
@Controller()
export class HealthController {
  constructor(@Inject(READINESS) private readonly readiness: Readiness) {}

  @Get('healthz')
  @Requires(requires.public())
  @Operation({ summary: 'The process answers', responses: { 200: LIVENESS } })
  healthz() {
    return { status: 'alive' as const };
  }

  @Get('readyz')
  @Requires(requires.public())
  @Operation({ summary: 'Whether it can serve: NATS, Postgres, the API\'s projections caught up', responses: { 200: READINESS_VIEW, 503: READINESS_VIEW } })
  async readyz(@Res({ passthrough: true }) res: Response) {
    const report = await this.readiness.check();
    res.status(report.status === 'ready' ? 200 : 503);
    if (report.status !== 'ready') res.setHeader('Retry-After', '5');
    return report;
  }
}
