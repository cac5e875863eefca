import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Dispatcher } from 'undici';
import { NotificationMethod } from '@ferry/contracts';
import { eventTraceContext } from '@ferry/event-store';
import { recordDelivery } from '@ferry/metrics';
import {
  deliverToReceiver,
  nextDeliveryStep,
  type DeliveryResult,
  type DeliveryStep,
  type NotificationPayload,
  type RetryPolicy,
  type SmtpConfig,
} from '@ferry/notifications';
import { NOTIFICATION_FAILURE_LIMIT } from '@ferry/mirror';
import { DeliveryStatus, NotificationRuleRow, ruleFailureCounts } from '@ferry/read-models';
import type { SecretBox } from '@ferry/secrets';
import type { OutageLog } from '@ferry/service-runtime';
import { withSpan } from '@ferry/telemetry';

export interface DeliveryWorkerSettings {
  allowedHosts: string[];
  retry: RetryPolicy;
  timeoutMs: number;
  smtp: SmtpConfig | undefined;
  /** Deliveries in flight at once in this process. */
  concurrency: number;
  /** Longest sleep between looks for due deliveries (other notifier processes queue too). */
  pollMs?: number;
}

/** Told when a rule's failed sends in a row reach Quay's limit, to disable it (an event on the rule). */
export type RuleFailureLimitReached = (ruleId: string, failures: number, deliveryId: string) => Promise<void>;

interface ClaimedDelivery {
  delivery_id: string;
  rule_id: string;
  attempts: number;
  payload: NotificationPayload;
  traceparent: string | null;
  tracestate: string | null;
  claim_token: string;
}

/**
 * Sends pending deliveries, each on its own: a delivery is claimed (a lease that expires, so a
 * notifier that dies mid-send does not strand it), sent once, and settled as delivered, dead, or
 * pending again after its own backoff. Nothing waits for anything else: a receiver that hangs
 * until the timeout holds one slot of `concurrency`, never another rule's delivery.
 */
export class DeliveryWorker {
  private readonly inFlight = new Set<Promise<void>>();
  private wakeUp: (() => void) | null = null;
  private woken = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly settings: DeliveryWorkerSettings,
    private readonly httpDispatcher: Dispatcher | undefined,
    /** Told of each look for due deliveries and of a delivery that could not be settled. */
    private readonly attempts?: Pick<OutageLog, 'failed' | 'succeeded'>,
    private readonly onFailureLimit?: RuleFailureLimitReached,
  ) {}

  /** New deliveries were queued: look now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Claims and sends what is due until `signal` aborts; waits for in-flight sends before returning. */
  async run(signal: AbortSignal): Promise<void> {
    const pollMs = this.settings.pollMs ?? 1_000;
    const onAbort = () => this.wakeUp?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        this.woken = false;
        let claimed = 0;
        let nextDueMs = pollMs;
        try {
          const free = this.settings.concurrency - this.inFlight.size;
          if (free > 0) {
            const rows = await this.claim(free);
            this.attempts?.succeeded();
            claimed = rows.length;
            for (const row of rows) this.track(row);
            if (claimed === 0) nextDueMs = await this.msUntilNextDue(pollMs);
          }
        } catch (error) {
          this.attempts?.failed(error, 'looking for due notification deliveries failed');
        }
        if (claimed > 0 && this.inFlight.size < this.settings.concurrency) continue;
        if (signal.aborted || this.woken) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.max(10, nextDueMs));
          const settled = this.inFlight.size >= this.settings.concurrency ? Promise.race(this.inFlight) : null;
          function done() {
            clearTimeout(timer);
            resolve();
          }
          this.wakeUp = done;
          void settled?.then(done);
        });
        this.wakeUp = null;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      await Promise.allSettled(this.inFlight);
    }
  }

  /** One pass for tests and tools: claims everything due now, sends it, and returns how many were sent. */
  async deliverDue(): Promise<number> {
    const rows = await this.claim(this.settings.concurrency);
    await Promise.all(rows.map((row) => this.attempt(row)));
    return rows.length;
  }

  private track(row: ClaimedDelivery): void {
    const work: Promise<void> = this.attempt(row)
      .catch((error: unknown) => this.attempts?.failed(error, `notification delivery ${row.delivery_id} failed`))
      .finally(() => {
        this.inFlight.delete(work);
        this.wakeUp?.();
      });
    this.inFlight.add(work);
  }

  /**
   * Takes up to `limit` due deliveries under a claim with a fresh token. `SKIP LOCKED` lets several notifiers claim
   * side by side; the claim outlives one attempt's timeout, so only a dead notifier's claim expires.
   */
  private async claim(limit: number): Promise<ClaimedDelivery[]> {
    const claimMs = this.settings.timeoutMs * 2 + 5_000;
    const [rows] = (await this.dataSource.query(
      `UPDATE notification_deliveries d
          SET claimed_until = now() + $2 * interval '1 millisecond', claim_token = $3
        WHERE d.delivery_id IN (
          SELECT delivery_id FROM notification_deliveries
           WHERE status = 'pending' AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
           ORDER BY next_attempt_at
           LIMIT $1
           FOR UPDATE SKIP LOCKED)
        RETURNING d.delivery_id, d.rule_id, d.attempts, d.payload, d.traceparent, d.tracestate, d.claim_token`,
      [limit, claimMs, randomUUID()],
    )) as [ClaimedDelivery[], number];
    return rows;
  }

  private async msUntilNextDue(cap: number): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT GREATEST(0, EXTRACT(EPOCH FROM (min(GREATEST(next_attempt_at, coalesce(claimed_until, next_attempt_at))) - now())) * 1000)::float8 AS ms
         FROM notification_deliveries WHERE status = 'pending'`,
    )) as Array<{ ms: number | null }>;
    return row?.ms === null || row?.ms === undefined ? cap : Math.min(cap, Math.ceil(row.ms));
  }

  private async attempt(row: ClaimedDelivery): Promise<void> {
    const rule = await this.dataSource.getRepository(NotificationRuleRow).findOneBy({ ruleId: row.rule_id });
    if (!rule || rule.method === NotificationMethod.InApp) {
      // The rule was deleted after the event was queued: nobody asked for this any more.
      await this.settle(row, { action: 'dead', reason: 'permanent' }, null, 'RULE_DELETED: the notification rule was deleted', 0, false);
      return;
    }
    // Quay's "disabled after N failures": the rule's flag (an event), or the count that is about to
    // set it, so no send slips through while the read model catches up.
    if (rule.disabled || (await this.failuresOf(rule.ruleId)) >= NOTIFICATION_FAILURE_LIMIT) {
      await this.settle(row, { action: 'dead', reason: 'permanent' }, null, `RULE_DISABLED: ${NOTIFICATION_FAILURE_LIMIT} deliveries of the notification rule failed in a row; reset it to send again`, 0, false);
      return;
    }
    const method = rule.method;
    const attempt = row.attempts + 1;
    const result: DeliveryResult = await withSpan(
      'notification.deliver',
      async (span) => {
        span.setAttributes({ 'ferry.rule_id': rule.ruleId, 'ferry.method': rule.method, 'ferry.attempt': attempt, 'ferry.event': row.payload.event });
        const r = await deliverToReceiver(
          { method, target: rule.target, secret: rule.secret ? this.secrets.open(rule.secret) : null },
          row.payload,
          {
            deliveryId: row.delivery_id,
            timeoutMs: this.settings.timeoutMs,
            allowedHosts: this.settings.allowedHosts,
            ...(this.httpDispatcher ? { dispatcher: this.httpDispatcher } : {}),
            ...(this.settings.smtp ? { smtp: this.settings.smtp } : {}),
          },
        );
        span.setAttribute('ferry.delivered', r.ok);
        if (r.statusCode !== null) span.setAttribute('http.response.status_code', r.statusCode);
        return r;
      },
      { parent: eventTraceContext({ ...(row.traceparent ? { traceparent: row.traceparent } : {}), ...(row.tracestate ? { tracestate: row.tracestate } : {}) }) },
    );
    const step = nextDeliveryStep(result, attempt, this.settings.retry);
    recordDelivery(method, step.action, result.durationMs / 1000);
    const error = result.error ? `${result.error.code}: ${result.error.message}` : null;
    await this.settle(row, step, result.statusCode, error, result.durationMs, true);
    if (step.action === 'dead' && this.onFailureLimit) {
      const failures = await this.failuresOf(rule.ruleId);
      if (failures >= NOTIFICATION_FAILURE_LIMIT) await this.onFailureLimit(rule.ruleId, failures, row.delivery_id);
    }
  }

  private async failuresOf(ruleId: string): Promise<number> {
    return (await ruleFailureCounts(this.dataSource.manager, [ruleId])).get(ruleId) ?? 0;
  }

  /**
   * Records an attempt's outcome and releases the claim, only while the claim is still ours (a
   * claim taken over after expiry belongs to the notifier that took it).
   */
  private async settle(row: ClaimedDelivery, step: DeliveryStep, statusCode: number | null, error: string | null, durationMs: number, sent: boolean): Promise<void> {
    const attempts = sent ? row.attempts + 1 : row.attempts;
    const status = step.action === 'delivered' ? DeliveryStatus.Delivered : step.action === 'dead' ? DeliveryStatus.Dead : DeliveryStatus.Pending;
    const delayMs = step.action === 'retry' ? step.delayMs : null;
    await this.dataSource.transaction(async (em) => {
      const [, updated] = (await em.query(
        `UPDATE notification_deliveries
            SET status = $3, attempts = $4, last_status_code = $5, last_error = $6,
                next_attempt_at = CASE WHEN $7::float8 IS NULL THEN NULL ELSE now() + $7::float8 * interval '1 millisecond' END,
                claimed_until = NULL, claim_token = NULL, updated_at = now()
          WHERE delivery_id = $1 AND claim_token = $2`,
        [row.delivery_id, row.claim_token, status, attempts, statusCode, error, delayMs],
      )) as [unknown, number];
      if (updated !== 1 || !sent) return;
      await em.query(
        `INSERT INTO notification_delivery_attempts (delivery_id, attempt, attempted_at, outcome, status_code, error, duration_ms)
         VALUES ($1, $2, now(), $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [row.delivery_id, attempts, step.action, statusCode, error, Math.round(durationMs)],
      );
    });
  }
}
