import type { DataSource } from 'typeorm';
import type { Dispatcher } from 'undici';
import type { StoredEvent } from '@ferry/contracts';
import { eventTraceContext, type Disposition } from '@ferry/event-store';
import {
  buildNotificationPayload,
  deliver,
  deliveryId,
  nextDeliveryStep,
  notificationEventOf,
  shouldNotify,
  type DeliveryResult,
  type NotifiableEvent,
  type NotificationPayload,
  type RetryPolicy,
  type SmtpConfig,
} from '@ferry/notifications';
import { DeliveryStatus, NotificationDeliveryRow, NotificationRuleRow } from '@ferry/read-models';
import type { SecretBox } from '@ferry/secrets';
import { withSpan } from '@ferry/telemetry';

export interface DispatcherSettings {
  registryHost: string;
  homepageUrl: string;
  allowedHosts: string[];
  retry: RetryPolicy;
  timeoutMs: number;
  smtp: SmtpConfig | undefined;
}

const NOTIFIABLE = new Set(['MirrorStarted', 'MirrorSucceeded', 'MirrorFailed']);

/**
 * Delivers one mirror event to every rule that wants it. Each (event, rule) pair has a delivery
 * row keyed by `deliveryId(event, rule)`: a pair already delivered or dead is never sent again, so
 * a redelivered event reaches each receiver once. Rules are delivered in parallel, each with its
 * own timeout, so a slow receiver does not hold up the rest; when any pair needs a retry, the
 * event is redelivered after the shortest backoff and only the pending pairs are tried again.
 */
export class NotificationDispatcher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly settings: DispatcherSettings,
    private readonly httpDispatcher: Dispatcher | undefined,
  ) {}

  async handle(event: StoredEvent): Promise<Disposition> {
    if (!NOTIFIABLE.has(event.type)) return { ack: true };
    const notifiable = event as unknown as NotifiableEvent & StoredEvent;
    const kind = notificationEventOf(notifiable.type);
    const rules = await this.dataSource.getRepository(NotificationRuleRow).findBy({ mirrorId: notifiable.data.mirrorId, event: kind });
    const consecutiveFailures = notifiable.type === 'MirrorFailed' ? notifiable.data.consecutiveFailures : 0;
    const wanted = rules.filter((rule) => shouldNotify({ events: [rule.event], minConsecutiveFailures: rule.minConsecutiveFailures }, kind, consecutiveFailures));
    if (wanted.length === 0) return { ack: true };

    const payload = buildNotificationPayload({
      event: notifiable,
      registryHost: this.settings.registryHost,
      homepageBaseUrl: this.settings.homepageUrl,
      runStartedAt: notifiable.type === 'MirrorStarted' ? notifiable.occurredAt : notifiable.data.summary.startedAt,
    });
    const delays = await Promise.all(wanted.map((rule) => this.deliverOnce(event, rule, payload)));
    const retries = delays.filter((d): d is number => d !== null);
    return retries.length ? { retryInMs: Math.min(...retries) } : { ack: true };
  }

  /** One attempt for one rule, unless it is already settled; returns the retry delay, if any. */
  private async deliverOnce(event: StoredEvent, rule: NotificationRuleRow, payload: NotificationPayload): Promise<number | null> {
    const id = deliveryId(event.id, rule.ruleId);
    const deliveries = this.dataSource.getRepository(NotificationDeliveryRow);
    const existing = await deliveries.findOneBy({ deliveryId: id });
    if (existing && existing.status !== DeliveryStatus.Pending) return null;
    const attempt = (existing?.attempts ?? 0) + 1;
    const result = await withSpan(
      'notification.deliver',
      async (span) => {
        span.setAttributes({ 'ferry.rule_id': rule.ruleId, 'ferry.method': rule.method, 'ferry.attempt': attempt, 'ferry.event': rule.event });
        const r = await this.send(rule, payload, id);
        span.setAttribute('ferry.delivered', r.ok);
        if (r.statusCode !== null) span.setAttribute('http.response.status_code', r.statusCode);
        return r;
      },
      { parent: eventTraceContext(event) },
    );
    const step = nextDeliveryStep(result, attempt, this.settings.retry);
    const now = new Date();
    await deliveries.upsert(
      {
        deliveryId: id,
        eventId: event.id,
        ruleId: rule.ruleId,
        mirrorId: rule.mirrorId,
        event: rule.event,
        status: step.action === 'delivered' ? DeliveryStatus.Delivered : step.action === 'dead' ? DeliveryStatus.Dead : DeliveryStatus.Pending,
        attempts: attempt,
        lastStatusCode: result.statusCode,
        lastError: result.error ? `${result.error.code}: ${result.error.message}` : null,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      },
      ['deliveryId'],
    );
    return step.action === 'retry' ? step.delayMs : null;
  }

  private send(rule: NotificationRuleRow, payload: NotificationPayload, id: string): Promise<DeliveryResult> {
    const options = {
      deliveryId: id,
      timeoutMs: this.settings.timeoutMs,
      allowedHosts: this.settings.allowedHosts,
      ...(this.httpDispatcher ? { dispatcher: this.httpDispatcher } : {}),
      ...(this.settings.smtp ? { smtp: this.settings.smtp } : {}),
    };
    switch (rule.method) {
      case 'webhook':
        return deliver('webhook', { url: rule.target, secret: rule.secret ? this.secrets.open(rule.secret) : null }, payload, options);
      case 'slack':
        return deliver('slack', { url: rule.target }, payload, options);
      case 'email':
        return deliver('email', { to: rule.target }, payload, options);
    }
  }
}
