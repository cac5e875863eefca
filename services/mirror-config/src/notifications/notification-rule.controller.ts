import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { repositoryNameProblem } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause } from '../auth/request-caller';
import { InvalidRequestError } from '../http/problem';
import { LIMIT_QUERY } from '../http/query';
import { Operation } from '../http/operation';
import { NOTIFICATION_RULE_BODY } from './notification-rule.input';
import { DELIVERY_LOG, NOTIFICATION_RULE_LIST, NOTIFICATION_RULE_VIEW, TEST_DELIVERY } from './notification.view';
import { NotificationRuleQueries } from './notification-rule-queries';
import { NotificationRuleService } from './notification-rule.service';

/** Quay's repository notifications, for the three mirror events of one mirror. */
@Controller('api/v1/repository/:namespace/:repository/notification')
export class NotificationRuleController {
  constructor(
    private readonly rules: NotificationRuleService,
    private readonly queries: NotificationRuleQueries,
  ) {}

  private scope(namespace: string, repository: string) {
    return this.queries.repositoryScope(namespace, repository);
  }

  @Post()
  @HttpCode(201)
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Creates a notification rule for the repository\'s mirror', body: NOTIFICATION_RULE_BODY, responses: { 201: NOTIFICATION_RULE_VIEW } })
  async create(@Param('namespace') ns: string, @Param('repository') repo: string, @Body() body: unknown, @Cause() cause: Causation) {
    return this.rules.create(await this.scope(ns, repo), body, cause);
  }

  @Get()
  // Rules hold receivers' URLs, and a Slack URL is itself a secret: reading them is configuring them.
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'The notification rules of the repository\'s mirror', responses: { 200: NOTIFICATION_RULE_LIST } })
  async list(@Param('namespace') ns: string, @Param('repository') repo: string) {
    return this.rules.list(await this.scope(ns, repo));
  }

  @Delete(':uuid')
  @HttpCode(204)
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Deletes a notification rule', responses: { 204: null } })
  async delete(@Param('namespace') ns: string, @Param('repository') repo: string, @Param('uuid') uuid: string, @Cause() cause: Causation) {
    await this.rules.delete(await this.scope(ns, repo), uuid, cause);
  }

  @Get(':uuid')
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'A notification rule, with its failure count (Quay\'s `number_of_failures`)', responses: { 200: NOTIFICATION_RULE_VIEW } })
  async get(@Param('namespace') ns: string, @Param('repository') repo: string, @Param('uuid') uuid: string) {
    return this.rules.get(await this.scope(ns, repo), uuid);
  }

  @Post(':uuid')
  @HttpCode(204)
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Resets the rule\'s failure count to zero, enabling it again if it was disabled for failing (Quay\'s ResetRepositoryNotification)', responses: { 204: null } })
  async resetFailures(@Param('namespace') ns: string, @Param('repository') repo: string, @Param('uuid') uuid: string, @Cause() cause: Causation) {
    await this.rules.resetFailures(await this.scope(ns, repo), uuid, cause);
  }

  @Post(':uuid/test')
  @HttpCode(200)
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Sends a sample of the rule\'s first event to its receiver now', responses: { 200: TEST_DELIVERY } })
  async test(@Param('namespace') ns: string, @Param('repository') repo: string, @Param('uuid') uuid: string) {
    return this.rules.test(await this.scope(ns, repo), uuid);
  }

  @Get(':uuid/deliveries')
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'The rule\'s delivery log, newest first, with every attempt', query: LIMIT_QUERY, responses: { 200: DELIVERY_LOG } })
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
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Creates a notification rule for every mirror of the namespace', body: NOTIFICATION_RULE_BODY, responses: { 201: NOTIFICATION_RULE_VIEW } })
  async create(@Param('namespace') ns: string, @Body() body: unknown, @Cause() cause: Causation) {
    return this.rules.create(this.scope(ns), body, cause);
  }

  @Get()
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'The notification rules of every mirror of the namespace', responses: { 200: NOTIFICATION_RULE_LIST } })
  async list(@Param('namespace') ns: string) {
    return this.rules.list(this.scope(ns));
  }

  @Delete(':uuid')
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Deletes a notification rule', responses: { 204: null } })
  async delete(@Param('namespace') ns: string, @Param('uuid') uuid: string, @Cause() cause: Causation) {
    await this.rules.delete(this.scope(ns), uuid, cause);
  }

  @Get(':uuid')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'A namespace notification rule, with its failure count', responses: { 200: NOTIFICATION_RULE_VIEW } })
  async get(@Param('namespace') ns: string, @Param('uuid') uuid: string) {
    return this.rules.get(this.scope(ns), uuid);
  }

  @Post(':uuid')
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Resets the rule\'s failure count to zero, enabling it again if it was disabled for failing', responses: { 204: null } })
  async resetFailures(@Param('namespace') ns: string, @Param('uuid') uuid: string, @Cause() cause: Causation) {
    await this.rules.resetFailures(this.scope(ns), uuid, cause);
  }

  @Post(':uuid/test')
  @HttpCode(200)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Sends a sample of the rule\'s first event to its receiver now', responses: { 200: TEST_DELIVERY } })
  async test(@Param('namespace') ns: string, @Param('uuid') uuid: string) {
    return this.rules.test(this.scope(ns), uuid);
  }

  @Get(':uuid/deliveries')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'The rule\'s delivery log, newest first, with every attempt', query: LIMIT_QUERY, responses: { 200: DELIVERY_LOG } })
  async deliveries(@Param('namespace') ns: string, @Param('uuid') uuid: string, @Query('limit') limit?: string) {
    return this.rules.deliveries(this.scope(ns), uuid, limit);
  }
}
