import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { aggregateSubject, AggregateKind, NotificationEvent, NotificationMethod, type NotificationRule } from '@ferry/contracts';
import { handleCommand, type EventStore } from '@ferry/event-store';
import { notificationRuleDecider, type FieldProblem } from '@ferry/mirror';
import { assertReceiverAllowed } from '@ferry/notifications';
import { NotificationRuleRow, type ProjectionRunner } from '@ferry/read-models';
import type { SecretBox } from '@ferry/secrets';
import { DATA_SOURCE, EVENT_STORE } from '@ferry/service-runtime';
import { InvalidRequestError } from '../http/problem';
import { causationFromRequest } from '../http/request-context';
import { MirrorService } from '../mirror/mirror.service';
import { API_PROJECTIONS, SECRET_BOX, SERVICE_CONFIG } from '../tokens';
import type { MirrorConfigServiceConfig } from '../config';

const EVENTS = Object.values(NotificationEvent) as string[];
const METHODS = Object.values(NotificationMethod) as string[];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Draft = Omit<NotificationRule, 'ruleId' | 'mirrorId' | 'secret'> & { secret: string | null };

function parseRule(body: unknown): Draft {
  const problems: FieldProblem[] = [];
  const b = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  if (b !== body) problems.push({ field: '(body)', message: 'must be a JSON object' });
  const event = b.event;
  if (typeof event !== 'string' || !EVENTS.includes(event)) problems.push({ field: 'event', message: `must be one of ${EVENTS.join(', ')}` });
  const method = b.method;
  if (typeof method !== 'string' || !METHODS.includes(method)) problems.push({ field: 'method', message: `must be one of ${METHODS.join(', ')}` });
  const config = (typeof b.config === 'object' && b.config !== null ? b.config : {}) as Record<string, unknown>;
  let target = '';
  if (method === NotificationMethod.Email) {
    if (typeof config.email !== 'string' || !EMAIL.test(config.email)) problems.push({ field: 'config.email', message: 'must be an email address' });
    else target = config.email;
  } else if (typeof method === 'string' && METHODS.includes(method)) {
    try {
      const url = new URL(String(config.url));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
      target = url.toString();
    } catch {
      problems.push({ field: 'config.url', message: 'must be an http:// or https:// URL' });
    }
  }
  let secret: string | null = null;
  if (config.secret !== undefined && config.secret !== null) {
    if (typeof config.secret !== 'string' || config.secret.length < 16 || config.secret.length > 256) problems.push({ field: 'config.secret', message: 'must be 16 to 256 characters' });
    else secret = config.secret;
  }
  const title = b.title ?? '';
  if (typeof title !== 'string' || title.length > 255) problems.push({ field: 'title', message: 'must be a string of at most 255 characters' });
  const eventConfig = (typeof b.eventConfig === 'object' && b.eventConfig !== null ? b.eventConfig : {}) as Record<string, unknown>;
  const n = eventConfig.min_consecutive_failures ?? 1;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1000) problems.push({ field: 'eventConfig.min_consecutive_failures', message: 'must be a whole number from 1 to 1000' });
  if (problems.length) throw new InvalidRequestError(problems);
  return { event: event as NotificationEvent, method: method as NotificationMethod, target, title: title as string, secret, minConsecutiveFailures: n as number };
}

function ruleView(rule: NotificationRuleRow) {
  return {
    uuid: rule.ruleId,
    title: rule.title,
    event: rule.event,
    method: rule.method,
    config: rule.method === NotificationMethod.Email ? { email: rule.target } : { url: rule.target, has_secret: rule.secret !== null },
    event_config: { min_consecutive_failures: rule.minConsecutiveFailures },
  };
}

/** Quay's repository notifications, for the three mirror events. */
@Controller('api/v1/repository/:namespace/:repository/notification')
export class NotificationRuleController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(API_PROJECTIONS) private readonly projections: ProjectionRunner,
    @Inject(SERVICE_CONFIG) private readonly config: MirrorConfigServiceConfig,
    private readonly mirrors: MirrorService,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown, @Headers() headers: Record<string, string>) {
    const mirror = await this.mirrors.find({ namespace, repository });
    const draft = parseRule(body);
    if (draft.method !== NotificationMethod.Email) {
      try {
        await assertReceiverAllowed(draft.target, this.config.notificationAllowedHosts);
      } catch (error) {
        throw new InvalidRequestError([{ field: 'config.url', message: (error as Error).message }]);
      }
    }
    const ruleId = randomUUID();
    const rule: NotificationRule = { ...draft, ruleId, mirrorId: mirror.mirrorId, secret: draft.secret ? this.secrets.seal(draft.secret) : null };
    const result = await handleCommand(
      this.store,
      aggregateSubject(this.store.prefix, AggregateKind.NotificationRule, ruleId),
      ruleId,
      notificationRuleDecider,
      { kind: 'create', rule },
      causationFromRequest(headers),
    );
    await this.projections.waitFor(result.events.at(-1)!.position);
    return ruleView((await this.dataSource.getRepository(NotificationRuleRow).findOneByOrFail({ ruleId })));
  }

  @Get()
  async list(@Param('namespace') namespace: string, @Param('repository') repository: string) {
    const mirror = await this.mirrors.find({ namespace, repository });
    const rules = await this.dataSource.getRepository(NotificationRuleRow).find({ where: { mirrorId: mirror.mirrorId }, order: { createdAt: 'ASC' } });
    return { notifications: rules.map(ruleView) };
  }

  @Delete(':uuid')
  @HttpCode(204)
  async delete(@Param('namespace') namespace: string, @Param('repository') repository: string, @Param('uuid') uuid: string, @Headers() headers: Record<string, string>) {
    const mirror = await this.mirrors.find({ namespace, repository });
    if (!/^[0-9a-f-]{36}$/.test(uuid)) throw new InvalidRequestError([{ field: 'uuid', message: 'must be a notification id (UUID)' }]);
    const result = await handleCommand(
      this.store,
      aggregateSubject(this.store.prefix, AggregateKind.NotificationRule, uuid),
      uuid,
      notificationRuleDecider,
      { kind: 'delete', mirrorId: mirror.mirrorId },
      causationFromRequest(headers),
    );
    const last = result.events.at(-1);
    if (last) await this.projections.waitFor(last.position);
  }
}
