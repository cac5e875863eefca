import { parseEncryptionKey } from '@ferry/secrets';
import type { SmtpConfig } from '@ferry/notifications';
import type { ConfigReader } from './base-config';

/** `FERRY_ENCRYPTION_KEY`, which every service that seals or opens secrets must share. */
export function readEncryptionKey(reader: ConfigReader): Buffer {
  const text = reader.required('FERRY_ENCRYPTION_KEY', '32 random bytes as hex or base64, the same for every service; `npm start` makes one');
  if (!text) return Buffer.alloc(0);
  try {
    return parseEncryptionKey(text);
  } catch (error) {
    reader.problems.push(`FERRY_ENCRYPTION_KEY: ${(error as Error).message}`);
    return Buffer.alloc(0);
  }
}

/** What sending a notification needs: the notifier's deliveries and the API's test sends. */
export interface NotificationSenderSettings {
  /** `host[:port]` of the target registry, for the payload's `docker_url`. */
  registryHost: string;
  /** Where Ferry's API/UI is reached, for `homepage` and run links. */
  homepageUrl: string;
  /** Receivers allowed although they are loopback or private addresses. */
  allowedHosts: string[];
  timeoutMs: number;
  smtp: SmtpConfig | undefined;
}

export function readNotificationSenderSettings(reader: ConfigReader): NotificationSenderSettings {
  const smtpHost = reader.optional('FERRY_SMTP_HOST');
  const smtpPassword = reader.optional('FERRY_SMTP_PASSWORD');
  return {
    registryHost: new URL(reader.url('FERRY_TARGET_REGISTRY', 'http://127.0.0.1:5000', ['http:', 'https:'])).host,
    homepageUrl: reader.url('FERRY_HOMEPAGE_URL', 'http://127.0.0.1:8080', ['http:', 'https:']),
    allowedHosts: reader.list('FERRY_NOTIFICATION_ALLOWED_HOSTS'),
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
  };
}

/** The registry mirrors write to, as every service that talks to it reads it. */
export interface TargetRegistrySettings {
  /** e.g. `http://127.0.0.1:5000`, no trailing slash. */
  registryUrl: string;
  verifyTls: boolean;
  /**
   * Fixed credentials (FERRY_TARGET_USERNAME/PASSWORD) for a registry that does not ask Ferry's
   * token service; without them, each mirror writes (and previews) as its robot.
   */
  username?: string;
  password?: string;
}

export function readTargetRegistrySettings(reader: ConfigReader): TargetRegistrySettings {
  const username = reader.optional('FERRY_TARGET_USERNAME');
  const password = reader.optional('FERRY_TARGET_PASSWORD');
  return {
    registryUrl: reader.url('FERRY_TARGET_REGISTRY', 'http://127.0.0.1:5000', ['http:', 'https:']).replace(/\/$/, ''),
    verifyTls: reader.boolean('FERRY_TARGET_VERIFY_TLS', true),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
  };
}
