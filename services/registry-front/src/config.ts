import { ConfigReader, readBaseConfig, readEncryptionKey, readMetricsSettings, readRegistryTokens, readTargetRegistrySettings, type BaseConfig, type MetricsSettings, type RegistryTokenSettings, type TargetRegistrySettings } from '@ferry/service-runtime';

export interface RegistryFrontConfig extends BaseConfig {
  /** The metrics port: /metrics, /healthz, /readyz. */
  metrics: MetricsSettings;
  /** Where clients pull: the OCI distribution read API. */
  host: string;
  port: number;
  /** The target registry, which the front reads for every repository and writes for proxy-cache organizations. */
  target: TargetRegistrySettings;
  /**
   * The front signs its own tokens for what it writes into proxy-cache repositories (the token
   * service's key): no user or robot may push there, only the front. Absent: proxy caching is off
   * and every repository passes through.
   */
  registryTokens: RegistryTokenSettings | undefined;
  encryptionKey: Buffer;
  ssrfAllowedHosts: string[];
  /** How long the front waits for an upstream's answer (headers, and each pause while a body streams). */
  upstreamTimeoutMs: number;
  /** How long an organization's proxy-cache settings are reused before they are read from the log again. */
  settingsReuseMs: number;
}

/** The only reader of process.env in the registry front. */
export function readConfig(env: Record<string, string | undefined> = process.env): RegistryFrontConfig {
  const reader = new ConfigReader(env);
  const config: RegistryFrontConfig = {
    ...readBaseConfig(reader),
    metrics: readMetricsSettings(reader, 'registry-front'),
    host: reader.string('FERRY_FRONT_HOST', '127.0.0.1'),
    port: reader.integer('FERRY_FRONT_PORT', 5001, 0, 65535),
    target: readTargetRegistrySettings(reader),
    registryTokens: readRegistryTokens(reader),
    encryptionKey: readEncryptionKey(reader),
    ssrfAllowedHosts: reader.list('FERRY_SSRF_ALLOWED_HOSTS'),
    upstreamTimeoutMs: reader.integer('FERRY_FRONT_UPSTREAM_TIMEOUT_MS', 10_000, 100, 600_000),
    settingsReuseMs: reader.integer('FERRY_FRONT_SETTINGS_SECONDS', 2, 0, 3600) * 1000,
  };
  reader.done();
  return config;
}
