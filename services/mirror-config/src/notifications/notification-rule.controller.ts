import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { repositoryNameProblem } from '@ferry/mirror';
import { InvalidRequestError } from '../http/problem';
import { causationFromRequest } from '../http/request-context';
import { MirrorService } from '../mirror/mirror.service';
import { NotificationRuleService } from './notification-rule.service';

/** Quay's repository notifications, for the three mirror events of one mirror. */
@Controller('api/v1/repository/:namespace/:repository/notification')
export class NotificationRuleController {
  constructor(
    private readonly rules: NotificationRuleService,
    private readonly mirrors: MirrorService,
  ) {}

  private async scope(namespace: string, repository: string) {
    const mirror = await this.mirrors.find({ namespace, repository });
    return { mirrorId: mirror.mirrorId };
  }

  @Post()
  @HttpCode(201)
  async create(@Param('namespace') ns: string, @Param('repository') repo: string, @Body() body: unknown, @Headers() headers: Record<string, string>) {
    return this.rules.create(await this.scope(ns, repo), body, causationFromRequest(headers));
  }

  @Get()
  async list(@Param('namespace') ns: string, @Param('repository') repo: string) {
    return this.rules.list(await this.scope(ns, repo));
  }

  @Delete(':uuid')
  @HttpCode(204)
  async delete(@Param('namespace') ns: string, @Param('repository') repo: string, @Param('uuid') uuid: string, @Headers() headers: Record<string, string>) {
    await this.rules.delete(await this.scope(ns, repo), uuid, causationFromRequest(headers));
  }

  @Post(':uuid/test')
  @HttpCode(200)
  async test(@Param('namespace') ns: string, @Param('repository') repo: string, @Param('uuid') uuid: string) {
    return this.rules.test(await this.scope(ns, repo), uuid);
  }

  @Get(':uuid/deliveries')
  async deliveries(@Param('namespace') ns: string, @Param('repository') repo: string, @Param('uuid') uuid: string, @Query('limit') limit?: string) {
    return this.rules.deliveries(await this.scope(ns, repo), uuid, limit);
  }
}

/** Namespace notifications: rules that apply to every mirror of the namespace, present and future. */
@Controller('api/v1/organization/:namespace/notification')
export class NamespaceNotificationRuleController {
  constructor(private readonly rules: NotificationRuleService) {}

  private scope(namespace: string) {
    const problem = repositoryNameProblem(namespace);
    if (problem) throw new InvalidRequestError([{ field: 'namespace', message: problem }]);
    return { namespace };
  }

  @Post()
  @HttpCode(201)
  async create(@Param('namespace') ns: string, @Body() body: unknown, @Headers() headers: Record<string, string>) {
    return this.rules.create(this.scope(ns), body, causationFromRequest(headers));
  }

  @Get()
  async list(@Param('namespace') ns: string) {
    return this.rules.list(this.scope(ns));
  }

  @Delete(':uuid')
  @HttpCode(204)
  async delete(@Param('namespace') ns: string, @Param('uuid') uuid: string, @Headers() headers: Record<string, string>) {
    await this.rules.delete(this.scope(ns), uuid, causationFromRequest(headers));
  }

  @Post(':uuid/test')
  @HttpCode(200)
  async test(@Param('namespace') ns: string, @Param('uuid') uuid: string) {
    return this.rules.test(this.scope(ns), uuid);
  }

  @Get(':uuid/deliveries')
  async deliveries(@Param('namespace') ns: string, @Param('uuid') uuid: string, @Query('limit') limit?: string) {
    return this.rules.deliveries(this.scope(ns), uuid, limit);
  }
}
