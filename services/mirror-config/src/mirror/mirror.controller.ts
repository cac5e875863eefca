import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause } from '../auth/request-caller';
import { warnIgnored } from '../http/quay-body';
import { Operation } from '../http/operation';
import { MIRROR_CREATE_BODY, MIRROR_UPDATE_BODY } from './mirror.input';
import type { ProgressBoard } from '@ferry/run-progress';
import { RUN_PROGRESS } from '../tokens';
import { MirrorLookup } from '../mirror-lookup';
import { MirrorService } from './mirror.service';
import { MIRROR_VIEW, mirrorView } from './mirror.view';

/** Quay's repository-mirror API, same paths and field names; plus DELETE, which Quay lacks. */
@Controller('api/v1/repository/:namespace/:repository/mirror')
export class MirrorController {
  constructor(
    private readonly mirrors: MirrorService,
    private readonly lookup: MirrorLookup,
    @Inject(RUN_PROGRESS) private readonly progress: ProgressBoard,
  ) {}

  @Post()
  @HttpCode(201)
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Creates the repository\'s mirror (and the repository, in state MIRROR, when there is none)', body: MIRROR_CREATE_BODY, responses: { 201: MIRROR_VIEW } })
  async create(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    const { row, ignored } = await this.mirrors.create({ namespace, repository }, body, cause);
    warnIgnored(res, ignored);
    return mirrorView(row);
  }

  @Get()
  @Requires(requires.repository('read'))
  @Operation({ summary: 'The repository\'s mirror, as Quay shows it', responses: { 200: MIRROR_VIEW } })
  async get(@Param('namespace') namespace: string, @Param('repository') repository: string) {
    const row = await this.lookup.find({ namespace, repository });
    // Ferry's: the live progress of the run in flight (best effort: none while NATS cannot say).
    const live = row.currentRunId ? await this.progress.get(row.currentRunId).catch(() => null) : null;
    return mirrorView(row, live);
  }

  @Put()
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Changes the mirror: absent fields keep their values', body: MIRROR_UPDATE_BODY, responses: { 200: MIRROR_VIEW } })
  async update(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    const { row, ignored } = await this.mirrors.update({ namespace, repository }, body, cause);
    warnIgnored(res, ignored);
    return mirrorView(row);
  }

  @Delete()
  @HttpCode(204)
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Deletes the mirror (Ferry\'s; Quay deletes it with its repository); the target\'s images stay', responses: { 204: null } })
  async delete(@Param('namespace') namespace: string, @Param('repository') repository: string, @Cause() cause: Causation) {
    await this.mirrors.delete({ namespace, repository }, cause);
  }

  @Post('sync-now')
  @HttpCode(204)
  @Requires(requires.repository('write'))
  @Operation({ summary: 'Schedules a run now', responses: { 204: null } })
  async syncNow(@Param('namespace') namespace: string, @Param('repository') repository: string, @Cause() cause: Causation) {
    await this.mirrors.syncNow({ namespace, repository }, cause);
  }

  @Post('sync-cancel')
  @HttpCode(204)
  @Requires(requires.repository('write'))
  @Operation({ summary: 'Cancels the run in flight', responses: { 204: null } })
  async cancel(@Param('namespace') namespace: string, @Param('repository') repository: string, @Cause() cause: Causation) {
    await this.mirrors.cancel({ namespace, repository }, cause);
  }
}
