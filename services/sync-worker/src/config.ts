import { hostname } from 'node:os';
import { ConfigReader, readBaseConfig, readMetricsSettings, readEncryptionKey, readTargetRegistrySettings, type BaseConfig, type MetricsSettings } from '@ferry/service-runtime';

export interface SyncWorkerConfig extends BaseConfig {
  /** The metrics port: /metrics, /healthz, /readyz. */
  metrics: MetricsSettings;
  encryptionKey: Buffer;
  target: { registryUrl: string; username?: string; password?: string; verifyTls: boolean };
  ssrfAllowedHosts: string[];
  /** Mirrors this process syncs at once. */
  concurrency: number;
  leaseSeconds: number;
  /** Quay's REPO_MIRROR_ROLLBACK: undo a failed run's changes to the target. */
  rollback: boolean;
  tagConcurrency: number;
  blobConcurrency: number;
  /** Runs at once against one upstream registry host, counted across every worker process. */
  upstreamHostLimit: number;
  /** First retry delay after a transient failure, doubling per retry within the interval. */
  retryBaseSeconds: number;
  /**
   * Between runs that check every tag on the target (finding drift). Runs in between trust what
   * the last run wrote: an unchanged tag costs one upstream request. 0: check on every run.
   */
  driftCheckSeconds: number;
  workerId: string;
  /** Repositories asked for per page of an organization mirror's upstream listing (each page is a checkpoint). */
  discoveryPageSize: number;
}

/** The only reader of process.env in the sync-worker. */
export function readConfig(env: Record<string, string | undefined> = process.env): SyncWorkerConfig {
  const reader = new ConfigReader(env);
  const base = readBaseConfig(reader);
  const config: SyncWorkerConfig = {
    ...base,
    metrics: readMetricsSettings(reader, 'sync-worker'),
    encryptionKey: readEncryptionKey(reader),
    target: readTargetRegistrySettings(reader),
    ssrfAllowedHosts: reader.list('FERRY_SSRF_ALLOWED_HOSTS'),
    concurrency: reader.integer('FERRY_WORKER_CONCURRENCY', 2, 1, 256),
    leaseSeconds: reader.integer('FERRY_RUN_LEASE_SECONDS', 60, 5, 3600),
    rollback: reader.boolean('REPO_MIRROR_ROLLBACK', false),
    tagConcurrency: reader.integer('FERRY_TAG_CONCURRENCY', 16, 1, 256),
    blobConcurrency: reader.integer('FERRY_BLOB_CONCURRENCY', 16, 1, 256),
    upstreamHostLimit: reader.integer('FERRY_UPSTREAM_HOST_LIMIT', 4, 1, 1000),
    retryBaseSeconds: reader.integer('FERRY_RETRY_BASE_SECONDS', 30, 1, 3600),
    driftCheckSeconds: reader.integer('FERRY_DRIFT_CHECK_SECONDS', 86400, 0, 365 * 86400),
    workerId: `${hostname()}/${process.pid}`,
    discoveryPageSize: reader.integer('FERRY_DISCOVERY_PAGE_SIZE', 100, 1, 1000),
  };
  reader.done();
  return config;
}
