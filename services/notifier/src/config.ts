import { ConfigReader, readBaseConfig, readMetricsSettings, readEncryptionKey, readNotificationSenderSettings, type BaseConfig, type MetricsSettings, type NotificationSenderSettings } from '@ferry/service-runtime';
import type { RetryPolicy } from '@ferry/notifications';

export interface NotifierConfig extends BaseConfig, NotificationSenderSettings {
  /** The metrics port: /metrics, /healthz, /readyz. */
  metrics: MetricsSettings;
  encryptionKey: Buffer;
  retry: RetryPolicy;
  /** Events being queued at once by this process. */
  concurrency: number;
  /** Deliveries being sent at once by this process (each waits at most `timeoutMs`). */
  deliveryConcurrency: number;
}

/** The only reader of process.env in the notifier. */
export function readConfig(env: Record<string, string | undefined> = process.env): NotifierConfig {
  const reader = new ConfigReader(env);
  const config: NotifierConfig = {
    ...readBaseConfig(reader),
    metrics: readMetricsSettings(reader, 'notifier'),
    ...readNotificationSenderSettings(reader),
    encryptionKey: readEncryptionKey(reader),
    retry: {
      baseMs: reader.integer('FERRY_NOTIFY_RETRY_BASE_MS', 1_000, 10, 3_600_000),
      maxMs: reader.integer('FERRY_NOTIFY_RETRY_MAX_MS', 300_000, 10, 86_400_000),
      maxAttempts: reader.integer('FERRY_NOTIFY_MAX_ATTEMPTS', 8, 1, 100),
    },
    concurrency: reader.integer('FERRY_NOTIFIER_CONCURRENCY', 16, 1, 1024),
    deliveryConcurrency: reader.integer('FERRY_NOTIFY_DELIVERY_CONCURRENCY', 32, 1, 1024),
  };
  reader.done();
  return config;
}
