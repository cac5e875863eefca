import { Controller, Get, Param, Query } from '@nestjs/common';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { LIMIT_QUERY } from '../http/query';
import { Operation } from '../openapi/operation';
import { RUN_DETAIL, RUN_LIST, TAG_LEDGER, USAGE_LOGS } from './run.view';
import { RunQueries } from './run-queries.service';

/** Run history, per-tag results, the tag ledger and usage logs over HTTP. */
@Controller('api/v1/repository/:namespace/:repository/mirror')
export class RunController {
  constructor(private readonly runs: RunQueries) {}

  @Get('runs')
  @Requires(requires.repository('read'))
  @Operation({ summary: 'The mirror\'s runs, newest first', query: LIMIT_QUERY, responses: { 200: RUN_LIST } })
  list(@Param('namespace') namespace: string, @Param('repository') repository: string, @Query('limit') limit?: string) {
    return this.runs.list(namespace, repository, limit);
  }

  @Get('runs/:runId')
  @Requires(requires.repository('read'))
  @Operation({ summary: 'A run, with each tag\'s result', responses: { 200: RUN_DETAIL } })
  get(@Param('namespace') namespace: string, @Param('repository') repository: string, @Param('runId') runId: string) {
    return this.runs.get(namespace, repository, runId);
  }

  @Get('tags')
  @Requires(requires.repository('read'))
  @Operation({ summary: 'The target\'s tag ledger: what the mirror last wrote to each tag', responses: { 200: TAG_LEDGER } })
  tags(@Param('namespace') namespace: string, @Param('repository') repository: string) {
    return this.runs.tags(namespace, repository);
  }

  @Get('logs')
  @Requires(requires.repository('read'))
  @Operation({ summary: 'Quay\'s usage logs of the mirror: its events and its runs\', newest first', query: LIMIT_QUERY, responses: { 200: USAGE_LOGS } })
  logs(@Param('namespace') namespace: string, @Param('repository') repository: string, @Query('limit') limit?: string) {
    return this.runs.logs(namespace, repository, limit);
  }
}
