import type { DataSource, EntityManager } from 'typeorm';
import { mirrorNamespace, NotificationMethod, type StoredEvent } from '@ferry/contracts';
import type { Disposition } from '@ferry/event-store';
import {
  buildNotificationPayload,
  deliveryId,
  notificationEventOf,
  shouldNotify,
  type NotifiableEvent,
  type NotificationPayload,
} from '@ferry/notifications';
import { DeliveryStatus, insertUserNotification, NotificationDeliveryAttemptRow, NotificationRuleRow } from '@ferry/read-models';

export interface DispatcherSettings {
  registryHost: string;
  homepageUrl: string;
}

const NOTIFIABLE = new Set(['MirrorStarted', 'MirrorSucceeded', 'MirrorFailed']);

/**
 * Turns one mirror event into one delivery per rule that wants it, and nothing else: the rows
 * are written in one transaction, keyed by `deliveryId(event, rule)` so a redelivered event adds
 * nothing, and only then is the event acked. Sending is the `DeliveryWorker`'s job, per delivery
 * and on each delivery's own backoff, so a slow or dead receiver never holds up another rule, and
 * retrying one rule never touches the others.
 *
 * In-app rules are settled here, in the same transaction: the user's notification row is the
 * whole delivery, so it is written exactly once, with no receiver to wait for.
 */
export class NotificationDispatcher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: DispatcherSettings,
    /** Called after new deliveries are committed (the worker's wake-up). */
    private readonly onQueued: () => void = () => undefined,
  ) {}

  async handle(event: StoredEvent): Promise<Disposition> {
    if (!NOTIFIABLE.has(event.type)) return { ack: true };
    const notifiable = event as unknown as NotifiableEvent & StoredEvent;
    const kind = notificationEventOf(notifiable.type);
    const mirrorId = notifiable.data.mirrorId;
    const namespace = mirrorNamespace(mirrorId);
    const rules = await this.dataSource
      .getRepository(NotificationRuleRow)
      .createQueryBuilder('r')
      .where('(r.mirror_id = :mirrorId OR (r.mirror_id IS NULL AND r.namespace = :namespace))', { mirrorId, namespace })
      .andWhere(':kind = ANY(r.events)', { kind })
      .getMany();
    const consecutiveFailures = notifiable.type === 'MirrorFailed' ? notifiable.data.consecutiveFailures : 0;
    const occurredAt = Date.parse(notifiable.occurredAt);
    const wanted = rules.filter(
      (rule) =>
        // A rule hears of events from its creation on: a rule made while the notifier was
        // behind (or a consumer recreated from the log's start) is not flooded with the past.
        rule.createdAt.getTime() <= occurredAt &&
        // Quay's disabled rule (too many failures in a row) is sent nothing until it is reset.
        !rule.disabled &&
        shouldNotify({ events: rule.events, minConsecutiveFailures: rule.minConsecutiveFailures }, kind, consecutiveFailures),
    );
    if (wanted.length === 0) return { ack: true };

    const payload = buildNotificationPayload({
      event: notifiable,
      registryHost: this.settings.registryHost,
      homepageBaseUrl: this.settings.homepageUrl,
      runStartedAt: notifiable.type === 'MirrorStarted' ? notifiable.occurredAt : notifiable.data.summary.startedAt,
    });
    let queued = 0;
    await this.dataSource.transaction(async (em) => {
      for (const rule of wanted) queued += await this.record(em, notifiable, rule, payload);
    });
    if (queued > 0) this.onQueued();
    return { ack: true };
  }

  /** Writes the delivery of one (event, rule) pair unless it exists; returns 1 when a send is now pending. */
  private async record(em: EntityManager, event: NotifiableEvent & StoredEvent, rule: NotificationRuleRow, payload: NotificationPayload): Promise<number> {
    const id = deliveryId(event.id, rule.ruleId);
    const inApp = rule.method === NotificationMethod.InApp;
    const now = new Date();
    const inserted = (await em.query(
      `INSERT INTO notification_deliveries
         (delivery_id, event_id, rule_id, mirror_id, run_id, event, method, status, attempts, payload,
          next_attempt_at, traceparent, tracestate, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
       ON CONFLICT (delivery_id) DO NOTHING
       RETURNING delivery_id`,
      [
        id,
        event.id,
        rule.ruleId,
        event.data.mirrorId,
        event.data.runId,
        payload.event,
        rule.method,
        inApp ? DeliveryStatus.Delivered : DeliveryStatus.Pending,
        inApp ? 1 : 0,
        JSON.stringify(payload),
        inApp ? null : now,
        event.traceparent ?? null,
        event.tracestate ?? null,
        now,
      ],
    )) as unknown[];
    if (inserted.length === 0) return 0; // already recorded by an earlier delivery of the event
    if (!inApp) return 1;
    await insertUserNotification(em, {
      id,
      username: rule.target,
      ruleId: rule.ruleId,
      eventId: event.id,
      mirrorId: event.data.mirrorId,
      runId: event.data.runId,
      payload,
      createdAt: new Date(event.occurredAt),
    });
    await em.insert(NotificationDeliveryAttemptRow, { deliveryId: id, attempt: 1, attemptedAt: now, outcome: 'delivered', statusCode: null, error: null, durationMs: 0 });
    return 0;
  }
}
