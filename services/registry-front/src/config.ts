import { existsSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
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
  /**
   * The target registry's storage (`docker-registry`'s filesystem `rootdirectory`), when it is
   * mounted into the front: cached blobs are served from it and fills written into it, instead of
   * through the target's HTTP API. Absent: every read and write goes through the target.
   */
  targetStorage: string | undefined;
}

function readTargetStorage(reader: ConfigReader, tokens: RegistryTokenSettings | undefined): string | undefined {
  const root = reader.optional('FERRY_FRONT_TARGET_STORAGE');
  if (root === undefined) return undefined;
  if (!isAbsolute(root) || !existsSync(root) || !statSync(root).isDirectory()) reader.problems.push(`FERRY_FRONT_TARGET_STORAGE must be the absolute path of the target registry's storage directory; ${root} is not a directory`);
  // Without the token service's certificate the front cannot check a client's token as the target does.
  if (!tokens) reader.problems.push('FERRY_FRONT_TARGET_STORAGE needs FERRY_TOKEN_SIGNING_KEY and FERRY_TOKEN_SIGNING_CERT (the front checks clients\' tokens as the target does)');
  return root;
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
    targetStorage: undefined,
  };
  config.targetStorage = readTargetStorage(reader, config.registryTokens);
  reader.done();
  return config;
}
