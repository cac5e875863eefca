import { Counter, Histogram, type Metric } from 'prom-client';

const deliveries = new Counter({
  name: 'ferry_notification_deliveries_total',
  help: 'Notification delivery attempts by method (webhook, slack, email, ...) and outcome: delivered, retry (failed, tried again later) or dead (failed for good).',
  labelNames: ['method', 'outcome'],
  registers: [],
});

const deliveryDuration = new Histogram({
  name: 'ferry_notification_delivery_duration_seconds',
  help: 'How long one delivery attempt took (until the receiver answered, failed or timed out), by method.',
  labelNames: ['method'],
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [],
});

const OUTCOMES = ['delivered', 'retry', 'dead'] as const;

/**
 * What the notifier exposes, with every method (`@ferry/notifications`' `DELIVERY_METHODS`) and
 * outcome at zero from the start, so a dashboard's increase() sees the first delivery.
 */
export function notificationMetrics(methods: readonly string[]): Metric[] {
  for (const method of methods) {
    for (const outcome of OUTCOMES) deliveries.inc({ method, outcome }, 0);
    deliveryDuration.zero({ method });
  }
  return [deliveries, deliveryDuration];
}

export type DeliveryOutcome = (typeof OUTCOMES)[number];

export function recordDelivery(method: string, outcome: DeliveryOutcome, seconds: number): void {
  deliveries.inc({ method, outcome });
  deliveryDuration.observe({ method }, seconds);
}
