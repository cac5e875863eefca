import { Counter, Histogram } from 'prom-client';

const appendDuration = new Histogram({
  name: 'ferry_event_append_duration_seconds',
  help: 'How long appending one event to the JetStream log took (retries through an outage included), by outcome: ok, conflict, error.',
  labelNames: ['outcome'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60],
  registers: [],
});

const conflicts = new Counter({
  name: 'ferry_event_append_conflicts_total',
  help: 'Appends refused because the aggregate\'s subject moved since it was read (optimistic concurrency); the command is retried from a fresh read.',
  registers: [],
});

/** What every service exposes (each appends to the log). */
export const EVENT_STORE_METRICS = [appendDuration, conflicts];

export type AppendOutcome = 'ok' | 'conflict' | 'error';

export function recordAppend(outcome: AppendOutcome, seconds: number): void {
  appendDuration.observe({ outcome }, seconds);
  if (outcome === 'conflict') conflicts.inc();
}
