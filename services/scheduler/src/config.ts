import { ConfigReader, readBaseConfig, readMetricsSettings, type BaseConfig, type MetricsSettings } from '@ferry/service-runtime';

export interface SchedulerConfig extends BaseConfig {
  /** The metrics port: /metrics, /healthz, /readyz. */
  metrics: MetricsSettings;
  /**
   * Quay's REPO_MIRROR_INTERVAL: the most seconds between two looks for due mirrors. Only a safety
   * net: the scheduler looks as soon as its projection makes something due, and at the earliest due_at.
   */
  tickSeconds: number;
  /** How long a run's lease lasts before another worker may take the run over. */
  leaseSeconds: number;
  /** Mirrors scheduled per pass at most, so one pass stays short whatever the backlog (the next starts at once). */
  batchSize: number;
  /** Mirrors scheduled at once within a pass (each is a read and an append on its own subject). */
  concurrency: number;
}

/** The only reader of process.env in the scheduler. */
export function readConfig(env: Record<string, string | undefined> = process.env): SchedulerConfig {
  const reader = new ConfigReader(env);
  const config = {
    ...readBaseConfig(reader),
    metrics: readMetricsSettings(reader, 'scheduler'),
    tickSeconds: reader.integer('REPO_MIRROR_INTERVAL', 30, 1, 3600),
    leaseSeconds: reader.integer('FERRY_RUN_LEASE_SECONDS', 60, 5, 3600),
    batchSize: reader.integer('FERRY_SCHEDULER_BATCH', 500, 1, 10_000),
    concurrency: reader.integer('FERRY_SCHEDULER_CONCURRENCY', 16, 1, 256),
  };
  reader.done();
  return config;
}
