import { ConfigReader, readBaseConfig, type BaseConfig } from '@ferry/service-runtime';
import { parseEncryptionKey } from '@ferry/secrets';
import type { SmtpConfig } from '@ferry/notifications';

export interface MirrorConfigServiceConfig extends BaseConfig {
  apiPort: number;
  apiHost: string;
  encryptionKey: Buffer;
  /** Upstream hosts allowed although they are loopback or private addresses. */
  ssrfAllowedHosts: string[];
  /** Notification receivers allowed although they are loopback or private addresses. */
  notificationAllowedHosts: string[];
  /** For "test notification", which sends a sample as the notifier would. */
  notificationSender: {
    /** `host[:port]` of the target registry, for the payload's `docker_url`. */
    registryHost: string;
    homepageUrl: string;
    timeoutMs: number;
    smtp: SmtpConfig | undefined;
  };
}

/** The only reader of process.env in mirror-config. */
export function readConfig(env: Record<string, string | undefined> = process.env): MirrorConfigServiceConfig {
  const reader = new ConfigReader(env);
  const base = readBaseConfig(reader);
  const keyText = reader.required('FERRY_ENCRYPTION_KEY', '32 random bytes as hex or base64; `npm start` makes one');
  let encryptionKey: Buffer = Buffer.alloc(0);
  if (keyText) {
    try {
      encryptionKey = parseEncryptionKey(keyText);
    } catch (error) {
      reader.problems.push(`FERRY_ENCRYPTION_KEY: ${(error as Error).message}`);
    }
  }
  const smtpHost = reader.optional('FERRY_SMTP_HOST');
  const smtpPassword = reader.optional('FERRY_SMTP_PASSWORD');
  const config: MirrorConfigServiceConfig = {
    ...base,
    apiPort: reader.integer('FERRY_API_PORT', 8080, 0, 65535),
    apiHost: reader.string('FERRY_API_HOST', '127.0.0.1'),
    encryptionKey,
    ssrfAllowedHosts: reader.list('FERRY_SSRF_ALLOWED_HOSTS'),
    notificationAllowedHosts: reader.list('FERRY_NOTIFICATION_ALLOWED_HOSTS'),
    notificationSender: {
      registryHost: new URL(reader.url('FERRY_TARGET_REGISTRY', 'http://127.0.0.1:5000', ['http:', 'https:'])).host,
      homepageUrl: reader.url('FERRY_HOMEPAGE_URL', 'http://127.0.0.1:8080', ['http:', 'https:']),
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
    },
  };
  reader.done();
  return config;
}
