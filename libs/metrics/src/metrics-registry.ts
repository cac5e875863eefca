import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';

export type { Metric };

/**
 * The process's one registry. Metrics are defined in this lib's files, each with its help text;
 * a service exposes the groups it records (`exposeMetrics`), so a scrape shows only what that
 * service can move, and never a zero that only means "not here".
 */
export const metricsRegistry = new Registry();

let processMetrics = false;

/** Adds metrics to what `/metrics` shows; a metric exposed twice is shown once. */
export function exposeMetrics(metrics: readonly Metric[]): void {
  for (const metric of metrics) {
    const name = (metric as unknown as { name: string }).name;
    if (!metricsRegistry.getSingleMetric(name)) metricsRegistry.registerMetric(metric);
  }
}

/** Node's own metrics (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`, event loop lag, ...), once per process. */
export function exposeProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

/** The exposition (Prometheus' text format 0.0.4) and its content type. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}

/**
 * Shares one read among the gauges of a scrape: prom-client collects every metric at once, and
 * several gauges show columns of the same query. A read younger than `maxAgeMs` (or still under
 * way) is reused; a failed read gives `null`, so the gauges show nothing rather than stale values,
 * and the scrape itself still answers (its `up` means "the process answers", not "Postgres does").
 */
export function sharedRead<T>(read: () => Promise<T>, maxAgeMs = 1_000, timeoutMs = 5_000): () => Promise<T | null> {
  let last: { at: number; value: Promise<T | null> } | null = null;
  return () => {
    if (last && Date.now() - last.at < maxAgeMs) return last.value;
    let timer: NodeJS.Timeout | undefined;
    const value = Promise.race([read(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('read timed out')), timeoutMs)))])
      .catch(() => null)
      .finally(() => clearTimeout(timer));
    last = { at: Date.now(), value };
    return value;
  };
}
