import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { LIMIT_QUERY } from '../http/query';
import { Operation } from '../http/operation';
import { RUN_DETAIL, RUN_LIST, TAG_LEDGER, USAGE_LOGS } from './run.view';
import { RunQueries } from './run-queries.service';
import { RunEvents } from './run-events';

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

/** Run history, per-tag results, the tag ledger and usage logs over HTTP. */
@Controller('api/v1/repository/:namespace/:repository/mirror')
export class RunController {
  constructor(
    private readonly runs: RunQueries,
    private readonly runEvents: RunEvents,
  ) {}

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

  /**
   * The run as Server-Sent Events: `progress` (about once a second while it copies), `tag` (each
   * tag's result, from the first) and `outcome`, after which the stream ends. Unknown runs are a
   * 404 before anything is streamed.
   */
  @Get('runs/:runId/events')
  @Requires(requires.repository('read'))
  @Operation({
    summary: 'The run as it happens: Server-Sent Events `progress`, `tag` and `outcome`, then the end',
    responses: { 200: { contentType: 'text/event-stream', description: 'event: progress | tag | outcome; data: the JSON of a run progress, a tag result, or the outcome' } },
  })
  async events(@Param('namespace') namespace: string, @Param('repository') repository: string, @Param('runId') runId: string, @Res() res: Response) {
    const stream = await this.runEvents.open(namespace, repository, runId);
    const stop = new AbortController();
    res.on('close', () => stop.abort());
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    try {
      for await (const message of stream(stop.signal)) res.write(`event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`);
    } catch (error) {
      // The stream has begun: its status cannot change now; say why it stops, as an event.
      if (!stop.signal.aborted) res.write(`event: error\ndata: ${JSON.stringify({ code: 'STREAM_FAILED', message: (error as Error).message })}\n\n`);
    } finally {
      clearInterval(keepalive);
      res.end();
    }
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
