import { ConfigReader, readBaseConfig, type BaseConfig } from '@ferry/service-runtime';
import { parseEncryptionKey } from '@ferry/secrets';

export interface MirrorConfigServiceConfig extends BaseConfig {
  apiPort: number;
  apiHost: string;
  encryptionKey: Buffer;
  /** Upstream hosts allowed although they are loopback or private addresses. */
  ssrfAllowedHosts: string[];
  /** Notification receivers allowed although they are loopback or private addresses. */
  notificationAllowedHosts: string[];
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
  const config = {
    ...base,
    apiPort: reader.integer('FERRY_API_PORT', 8080, 0, 65535),
    apiHost: reader.string('FERRY_API_HOST', '127.0.0.1'),
    encryptionKey,
    ssrfAllowedHosts: reader.list('FERRY_SSRF_ALLOWED_HOSTS'),
    notificationAllowedHosts: reader.list('FERRY_NOTIFICATION_ALLOWED_HOSTS'),
  };
  reader.done();
  return config;
}
