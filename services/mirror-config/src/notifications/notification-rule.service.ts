import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AggregateKind, mirrorNamespace, NotificationMethod, type NotificationRule } from '@ferry/contracts';
import type { Causation } from '@ferry/event-store';
import { notificationRuleDecider, ruleInScope, type NotificationRuleScope } from '@ferry/mirror';
import {
  assertReceiverAllowed,
  buildNotificationPayload,
  deliverToReceiver,
  isDeliveryMethod,
  RECEIVERS,
  sampleNotifiableEvent,
} from '@ferry/notifications';
import type { NotificationRuleRow } from '@ferry/read-models';
import type { SecretBox } from '@ferry/secrets';
import { Commands } from '../commands';
import { parseLimit } from '../http/query';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { SECRET_BOX, SERVICE_CONFIG } from '../tokens';
import type { MirrorConfigServiceConfig } from '../config';
import { parseNotificationRule } from './notification-rule.input';
import type { z } from 'zod';
import type { DELIVERY_LOG, NOTIFICATION_RULE_LIST, NotificationRuleView, TEST_DELIVERY } from './notification.view';
import { UUID } from '../http/uuid';
import { NotificationRuleQueries } from './notification-rule-queries';


function ruleView(rule: NotificationRuleRow, failures: ReadonlyMap<string, number>): NotificationRuleView {
  const config = isDeliveryMethod(rule.method) ? RECEIVERS[rule.method].view(rule) : { target: { kind: 'user' as const, name: rule.target } };
  return {
    uuid: rule.ruleId,
    title: rule.title,
    event: rule.event,
    events: rule.events,
    method: rule.method,
    config,
    event_config: { min_consecutive_failures: rule.minConsecutiveFailures },
    repository: rule.mirrorId,
    namespace: rule.namespace,
    number_of_failures: failures.get(rule.ruleId) ?? 0,
  };
}

/** Notification rules of a mirror or a namespace: create, list, delete, test, delivery log. */
@Injectable()
export class NotificationRuleService {
  constructor(
    private readonly queries: NotificationRuleQueries,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(SERVICE_CONFIG) private readonly config: MirrorConfigServiceConfig,
    private readonly commands: Commands,
  ) {}

  async create(scope: NotificationRuleScope, body: unknown, causation: Causation): Promise<NotificationRuleView> {
    const draft = parseNotificationRule(body);
    if (isDeliveryMethod(draft.method) && RECEIVERS[draft.method].guardsAddress) {
      try {
        await assertReceiverAllowed(draft.target, this.config.notificationSender.allowedHosts);
      } catch (error) {
        throw new InvalidRequestError([{ field: 'config.url', message: (error as Error).message }]);
      }
    }
    const ruleId = randomUUID();
    const mirrorId = 'mirrorId' in scope ? scope.mirrorId : null;
    const namespace = 'mirrorId' in scope ? mirrorNamespace(scope.mirrorId) : scope.namespace;
    const rule: NotificationRule = { ...draft, ruleId, mirrorId, namespace, secret: draft.secret ? this.secrets.seal(draft.secret) : null };
    await this.commands.run(AggregateKind.NotificationRule, ruleId, notificationRuleDecider, { kind: 'create', rule }, causation);
    return ruleView(await this.queries.createdRule(ruleId), new Map());
  }

  async list(scope: NotificationRuleScope): Promise<z.output<typeof NOTIFICATION_RULE_LIST>> {
    const rules = await this.queries.rules(scope);
    const failures = await this.queries.failures(rules.map((r) => r.ruleId));
    return { notifications: rules.map((rule) => ruleView(rule, failures)) };
  }

  /** Quay's RepositoryNotification GET: one rule, with its failure count. */
  async get(scope: NotificationRuleScope, uuid: string): Promise<NotificationRuleView> {
    const rule = await this.findRule(scope, uuid);
    return ruleView(rule, await this.queries.failures([rule.ruleId]));
  }

  /** Quay's ResetRepositoryNotification: the failure count reads zero and a rule disabled for failing sends again. */
  async resetFailures(scope: NotificationRuleScope, uuid: string, causation: Causation): Promise<void> {
    this.checkUuid(uuid);
    await this.commands.run(AggregateKind.NotificationRule, uuid, notificationRuleDecider, { kind: 'reset-failures', scope }, causation);
  }

  async delete(scope: NotificationRuleScope, uuid: string, causation: Causation): Promise<void> {
    this.checkUuid(uuid);
    await this.commands.run(AggregateKind.NotificationRule, uuid, notificationRuleDecider, { kind: 'delete', scope }, causation);
  }

  /**
   * Sends a sample of the rule's first event to its receiver now and answers with the result; the
   * sample goes through the same senders, guard and signature as real deliveries, but is not
   * entered in the delivery log. An in-app rule gets the sample in its user's list.
   */
  async test(scope: NotificationRuleScope, uuid: string): Promise<z.output<typeof TEST_DELIVERY>> {
    const rule = await this.findRule(scope, uuid);
    const eventId = randomUUID();
    const mirrorId = rule.mirrorId ?? `${rule.namespace}/test-notification`;
    const payload = buildNotificationPayload({
      event: sampleNotifiableEvent({ event: rule.events[0]!, mirrorId, eventId, now: new Date() }),
      registryHost: this.config.notificationSender.registryHost,
      homepageBaseUrl: this.config.notificationSender.homepageUrl,
    });
    const deliveryId = `test-${eventId}`;
    if (rule.method === NotificationMethod.InApp) {
      await this.queries.insertUserNotification({
        id: deliveryId,
        username: rule.target,
        ruleId: rule.ruleId,
        eventId: null,
        mirrorId,
        runId: payload.run_id,
        payload,
        createdAt: new Date(),
      });
      return { delivery_id: deliveryId, delivered: true, status_code: null, error: null, duration_ms: 0 };
    }
    const result = await deliverToReceiver(
      { method: rule.method, target: rule.target, secret: rule.secret ? this.secrets.open(rule.secret) : null },
      payload,
      {
        deliveryId,
        timeoutMs: this.config.notificationSender.timeoutMs,
        allowedHosts: this.config.notificationSender.allowedHosts,
        ...(this.config.notificationSender.smtp ? { smtp: this.config.notificationSender.smtp } : {}),
      },
    );
    return {
      delivery_id: deliveryId,
      delivered: result.ok,
      status_code: result.statusCode,
      error: result.error ? { code: result.error.code, message: result.error.message } : null,
      duration_ms: Math.round(result.durationMs),
    };
  }

  /** The rule's delivery log, newest first: each delivery with its status and every attempt. */
  async deliveries(scope: NotificationRuleScope, uuid: string, rawLimit: string | undefined): Promise<z.output<typeof DELIVERY_LOG>> {
    const limit = parseLimit(rawLimit);
    const rule = await this.findRule(scope, uuid);
    const { deliveries: rows, attempts } = await this.queries.deliveries(rule.ruleId, limit);
    return {
      deliveries: rows.map((d) => ({
        delivery_id: d.deliveryId,
        event_id: d.eventId,
        event: d.event,
        repository: d.mirrorId,
        run_id: d.runId,
        status: d.status,
        attempts: d.attempts,
        last_status_code: d.lastStatusCode,
        last_error: d.lastError,
        next_attempt_at: d.status === 'pending' ? (d.nextAttemptAt?.toISOString() ?? null) : null,
        created_at: d.createdAt.toISOString(),
        updated_at: d.updatedAt.toISOString(),
        attempt_log: attempts
          .filter((a) => a.deliveryId === d.deliveryId)
          .map((a) => ({ attempt: a.attempt, at: a.attemptedAt.toISOString(), outcome: a.outcome, status_code: a.statusCode, error: a.error, duration_ms: a.durationMs })),
      })),
    };
  }

  private checkUuid(uuid: string): void {
    if (!UUID.test(uuid)) throw new InvalidRequestError([{ field: 'uuid', message: 'must be a notification id (UUID)' }]);
  }

  /** The rule, if it lives in this scope: a namespace path never reaches a mirror's rule, nor the reverse. */
  private async findRule(scope: NotificationRuleScope, uuid: string): Promise<NotificationRuleRow> {
    this.checkUuid(uuid);
    const row = await this.queries.rule(uuid);
    if (!row || !ruleInScope(row, scope)) throw new NotFoundError('no such notification rule here');
    return row;
  }
}
