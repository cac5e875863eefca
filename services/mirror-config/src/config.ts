import { ConfigReader, readBaseConfig, readEncryptionKey, readNotificationSenderSettings, type BaseConfig, type NotificationSenderSettings } from '@ferry/service-runtime';

export interface MirrorConfigServiceConfig extends BaseConfig {
  apiPort: number;
  apiHost: string;
  /** The gRPC API (ferry.v1.MirrorService) listens on apiHost at this port. */
  grpcPort: number;
  encryptionKey: Buffer;
  /** Upstream hosts allowed although they are loopback or private addresses. */
  ssrfAllowedHosts: string[];
  /** For checking receivers and for "test notification", which sends a sample as the notifier would. */
  notificationSender: NotificationSenderSettings;
}

/** The only reader of process.env in mirror-config. */
export function readConfig(env: Record<string, string | undefined> = process.env): MirrorConfigServiceConfig {
  const reader = new ConfigReader(env);
  const config: MirrorConfigServiceConfig = {
    ...readBaseConfig(reader),
    apiPort: reader.integer('FERRY_API_PORT', 8080, 0, 65535),
    apiHost: reader.string('FERRY_API_HOST', '127.0.0.1'),
    grpcPort: reader.integer('FERRY_GRPC_PORT', 9090, 1, 65535),
    encryptionKey: readEncryptionKey(reader),
    ssrfAllowedHosts: reader.list('FERRY_SSRF_ALLOWED_HOSTS'),
    notificationSender: readNotificationSenderSettings(reader),
  };
  reader.done();
  return config;
}
