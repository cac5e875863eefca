import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put } from '@nestjs/common';
import { causationFromRequest } from '../http/request-context';
import { MirrorService } from './mirror.service';
import { mirrorView } from './mirror.view';

type RequestHeaders = Record<string, string | string[] | undefined>;

/** Quay's repository-mirror API, same paths and field names; plus DELETE, which Quay lacks. */
@Controller('api/v1/repository/:namespace/:repository/mirror')
export class MirrorController {
  constructor(private readonly mirrors: MirrorService) {}

  @Post()
  @HttpCode(201)
  async create(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown, @Headers() headers: RequestHeaders) {
    return mirrorView(await this.mirrors.create({ namespace, repository }, body, causationFromRequest(headers)));
  }

  @Get()
  async get(@Param('namespace') namespace: string, @Param('repository') repository: string) {
    return mirrorView(await this.mirrors.find({ namespace, repository }));
  }

  @Put()
  async update(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown, @Headers() headers: RequestHeaders) {
    return mirrorView(await this.mirrors.update({ namespace, repository }, body, causationFromRequest(headers)));
  }

  @Delete()
  @HttpCode(204)
  async delete(@Param('namespace') namespace: string, @Param('repository') repository: string, @Headers() headers: RequestHeaders) {
    await this.mirrors.delete({ namespace, repository }, causationFromRequest(headers));
  }

  @Post('sync-now')
  @HttpCode(204)
  async syncNow(@Param('namespace') namespace: string, @Param('repository') repository: string, @Headers() headers: RequestHeaders) {
    await this.mirrors.syncNow({ namespace, repository }, causationFromRequest(headers));
  }

  @Post('sync-cancel')
  @HttpCode(204)
  async cancel(@Param('namespace') namespace: string, @Param('repository') repository: string, @Headers() headers: RequestHeaders) {
    await this.mirrors.cancel({ namespace, repository }, causationFromRequest(headers));
  }
}
