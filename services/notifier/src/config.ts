import { ConfigReader, readBaseConfig, type BaseConfig } from '@ferry/service-runtime';
import { parseEncryptionKey } from '@ferry/secrets';
import type { RetryPolicy, SmtpConfig } from '@ferry/notifications';

export interface NotifierConfig extends BaseConfig {
  encryptionKey: Buffer;
  /** `host[:port]` of the target registry, for the payload's `docker_url`. */
  registryHost: string;
  /** Where Ferry's API/UI is reached, for `homepage` and run links. */
  homepageUrl: string;
  allowedHosts: string[];
  retry: RetryPolicy;
  timeoutMs: number;
  smtp: SmtpConfig | undefined;
  /** Events being queued at once by this process. */
  concurrency: number;
  /** Deliveries being sent at once by this process (each waits at most `timeoutMs`). */
  deliveryConcurrency: number;
}

/** The only reader of process.env in the notifier. */
export function readConfig(env: Record<string, string | undefined> = process.env): NotifierConfig {
  const reader = new ConfigReader(env);
  const base = readBaseConfig(reader);
  let encryptionKey: Buffer = Buffer.alloc(0);
  const keyText = reader.required('FERRY_ENCRYPTION_KEY', 'the same key mirror-config uses');
  if (keyText) {
    try {
      encryptionKey = parseEncryptionKey(keyText);
    } catch (error) {
      reader.problems.push(`FERRY_ENCRYPTION_KEY: ${(error as Error).message}`);
    }
  }
  const smtpHost = reader.optional('FERRY_SMTP_HOST');
  const smtpPassword = reader.optional('FERRY_SMTP_PASSWORD');
  const config: NotifierConfig = {
    ...base,
    encryptionKey,
    registryHost: new URL(reader.url('FERRY_TARGET_REGISTRY', 'http://127.0.0.1:5000', ['http:', 'https:'])).host,
    homepageUrl: reader.url('FERRY_HOMEPAGE_URL', 'http://127.0.0.1:8080', ['http:', 'https:']),
    allowedHosts: reader.list('FERRY_NOTIFICATION_ALLOWED_HOSTS'),
    retry: {
      baseMs: reader.integer('FERRY_NOTIFY_RETRY_BASE_MS', 1_000, 10, 3_600_000),
      maxMs: reader.integer('FERRY_NOTIFY_RETRY_MAX_MS', 300_000, 10, 86_400_000),
      maxAttempts: reader.integer('FERRY_NOTIFY_MAX_ATTEMPTS', 8, 1, 100),
    },
    timeoutMs: reader.integer('FERRY_NOTIFY_TIMEOUT_MS', 10_000, 100, 300_000),
    smtp: smtpHost
      ? {
          host: smtpHost,
          port: reader.integer('FERRY_SMTP_PORT', 587, 1, 65535),
          secure: reader.boolean('FERRY_SMTP_SECURE', false),
          user: reader.optional('FERRY_SMTP_USER') ?? null,
          ...(smtpPassword ? { password: smtpPassword } : {}),
          from: reader.string('FERRY_SMTP_FROM', 'ferry@localhost'),
        }
      : undefined,
    concurrency: reader.integer('FERRY_NOTIFIER_CONCURRENCY', 16, 1, 1024),
    deliveryConcurrency: reader.integer('FERRY_NOTIFY_DELIVERY_CONCURRENCY', 32, 1, 1024),
  };
  reader.done();
  return config;
}
