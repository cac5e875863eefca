import { Counter, Histogram } from 'prom-client';

const deliveries = new Counter({
  name: 'ferry_notification_deliveries_total',
  help: 'Notification delivery attempts by method (webhook, slack, email) and outcome: delivered, retry (failed, tried again later) or dead (failed for good).',
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

// Every method and outcome from the start, so a dashboard's increase() sees the first delivery.
const METHODS = ['webhook', 'slack', 'email'] as const;
const OUTCOMES = ['delivered', 'retry', 'dead'] as const;
for (const method of METHODS) {
  for (const outcome of OUTCOMES) deliveries.inc({ method, outcome }, 0);
  deliveryDuration.zero({ method });
}

/** What the notifier exposes. */
export const NOTIFICATION_METRICS = [deliveries, deliveryDuration];

export type DeliveryOutcome = 'delivered' | 'retry' | 'dead';

export function recordDelivery(method: string, outcome: DeliveryOutcome, seconds: number): void {
  deliveries.inc({ method, outcome });
  deliveryDuration.observe({ method }, seconds);
}
