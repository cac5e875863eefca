import { Controller, Get, Param, Query } from '@nestjs/common';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { RunQueries } from './run-queries.service';

/** Run history, per-tag results, the tag ledger and usage logs over HTTP. */
@Controller('api/v1/repository/:namespace/:repository/mirror')
export class RunController {
  constructor(private readonly runs: RunQueries) {}

  @Get('runs')
  @Requires(requires.repository('read'))
  list(@Param('namespace') namespace: string, @Param('repository') repository: string, @Query('limit') limit?: string) {
    return this.runs.list(namespace, repository, limit);
  }

  @Get('runs/:runId')
  @Requires(requires.repository('read'))
  get(@Param('namespace') namespace: string, @Param('repository') repository: string, @Param('runId') runId: string) {
    return this.runs.get(namespace, repository, runId);
  }

  @Get('tags')
  @Requires(requires.repository('read'))
  tags(@Param('namespace') namespace: string, @Param('repository') repository: string) {
    return this.runs.tags(namespace, repository);
  }

  @Get('logs')
  @Requires(requires.repository('read'))
  logs(@Param('namespace') namespace: string, @Param('repository') repository: string, @Query('limit') limit?: string) {
    return this.runs.logs(namespace, repository, limit);
  }
}
