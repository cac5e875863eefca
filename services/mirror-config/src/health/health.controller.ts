import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { requires } from '@ferry/identity';
import { READINESS, type Readiness } from '@ferry/service-runtime';
import { Requires } from '../auth/permission';

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
  healthz() {
    return { status: 'alive' };
  }

  @Get('readyz')
  @Requires(requires.public())
  async readyz(@Res({ passthrough: true }) res: Response) {
    const report = await this.readiness.check();
    res.status(report.status === 'ready' ? 200 : 503);
    if (report.status !== 'ready') res.setHeader('Retry-After', '5');
    return report;
  }
}
