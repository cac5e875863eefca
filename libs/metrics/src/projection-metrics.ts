import { Gauge, Histogram } from 'prom-client';
import { sharedRead } from './metrics-registry';

interface ProjectionState {
  /** Events of the log not projected yet; null when the log could not be asked. */
  behind: number | null;
  /** Failing on one event, and retrying it. */
  stuck: boolean;
}

/** Per projection group this process runs: its state, read once per scrape. */
const observed = new Map<string, () => Promise<ProjectionState | null>>();

async function each(fill: (projection: string, state: ProjectionState | null) => void): Promise<void> {
  await Promise.all([...observed].map(async ([projection, read]) => fill(projection, await read())));
}

const lag = new Histogram({
  name: 'ferry_projection_lag_seconds',
  help: 'From an event\'s append (its occurredAt) to the commit that makes its rows visible, per projection group.',
  labelNames: ['projection'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [],
});

const behind = new Gauge({
  name: 'ferry_projection_events_behind',
  help: 'Events in the log this process has not projected yet, per projection group, at scrape time (NaN when NATS cannot be asked).',
  labelNames: ['projection'],
  registers: [],
  async collect() {
    await each((projection, state) => this.set({ projection }, state?.behind ?? NaN));
  },
});

const stuck = new Gauge({
  name: 'ferry_projection_stuck',
  help: '1 while a projection group keeps failing on one event (it retries it; /readyz names the event), else 0.',
  labelNames: ['projection'],
  registers: [],
  async collect() {
    await each((projection, state) => this.set({ projection }, state?.stuck ? 1 : 0));
  },
});

/** What every service that runs a projection exposes. */
export const PROJECTION_METRICS = [lag, behind, stuck];

/** A projection committed `events`: how long after its append each became visible. */
export function recordProjected(projection: string, events: readonly { occurredAt: string }[], committedAt = Date.now()): void {
  for (const event of events) lag.observe({ projection }, Math.max(0, committedAt - Date.parse(event.occurredAt)) / 1000);
}

/** Has each scrape show how far a projection group trails the log and whether it is stuck. */
export function observeProjection(projection: string, read: () => Promise<ProjectionState>): void {
  observed.set(projection, sharedRead(read));
}
