import { passwordProblem, TokenKind, tokenKindOf } from '@ferry/identity';
import { ConfigReader, readBaseConfig, readMetricsSettings, readEncryptionKey, readNotificationSenderSettings, readTargetRegistrySettings, readRegistryTokens, type RegistryTokenSettings, type BaseConfig, type MetricsSettings, type NotificationSenderSettings, type TargetRegistrySettings } from '@ferry/service-runtime';

export type { RegistryTokenSettings };

export interface MirrorConfigServiceConfig extends BaseConfig {
  /** The metrics port: /metrics, /healthz, /readyz. */
  metrics: MetricsSettings;
  apiPort: number;
  apiHost: string;
  /** The gRPC API (ferry.v1.MirrorService, ferry.v1.OrgMirrorService) listens on apiHost at this port. */
  grpcPort: number;
  encryptionKey: Buffer;
  /** Upstream hosts allowed although they are loopback or private addresses. */
  ssrfAllowedHosts: string[];
  /** The registry mirrors write to: a preview reads it as the mirror's robot. */
  target: TargetRegistrySettings;
  /** For checking receivers and for "test notification", which sends a sample as the notifier would. */
  notificationSender: NotificationSenderSettings;
  /** Quay's SUPER_USERS: these users administer every namespace (with a credential that carries `super:user`). */
  superusers: string[];
  /** The first superuser, created at boot when absent; never logged. */
  bootstrapAdmin: { username: string; password: string; token: string | undefined } | undefined;
  /** Single sign-on for automation: bearer JWTs of this OpenID Connect issuer. */
  oidc: { issuer: string; audience: string; usernameClaim: string } | undefined;
  /** Most events the API's projections apply in one transaction. */
  projectionBatch: number;
  /** The target registry's token service (`/v2/auth`); absent without a signing key. */
  registryTokens: RegistryTokenSettings | undefined;
  /** How long a web console session lasts from its sign-in. */
  sessionSeconds: number;
  /** Grafana, for the web console's links from a run to its trace (Tempo's data source, uid `tempo`). */
  grafanaUrl: string | undefined;
  /** Deliveries one push hook takes at once, then per second, in each mirror-config process. */
  hookRate: { burst: number; perSecond: number };
  /** Between looks at the proxy caches' promotion rules. */
  proxyCachePromotionSeconds: number;
}


/** The only reader of process.env in mirror-config. */
export function readConfig(env: Record<string, string | undefined> = process.env): MirrorConfigServiceConfig {
  const reader = new ConfigReader(env);
  const config: MirrorConfigServiceConfig = {
    ...readBaseConfig(reader),
    metrics: readMetricsSettings(reader, 'mirror-config'),
    apiPort: reader.integer('FERRY_API_PORT', 8080, 0, 65535),
    apiHost: reader.string('FERRY_API_HOST', '127.0.0.1'),
    grpcPort: reader.integer('FERRY_GRPC_PORT', 9090, 1, 65535),
    encryptionKey: readEncryptionKey(reader),
    ssrfAllowedHosts: reader.list('FERRY_SSRF_ALLOWED_HOSTS'),
    target: readTargetRegistrySettings(reader),
    notificationSender: readNotificationSenderSettings(reader),
    superusers: [],
    bootstrapAdmin: readBootstrapAdmin(reader),
    oidc: readOidc(reader),
    registryTokens: readRegistryTokens(reader),
    projectionBatch: reader.integer('FERRY_PROJECTION_BATCH', 200, 1, 10_000),
    sessionSeconds: reader.integer('FERRY_SESSION_SECONDS', 28_800, 60, 604_800),
    grafanaUrl: reader.optional('FERRY_GRAFANA_URL') === undefined ? undefined : reader.url('FERRY_GRAFANA_URL', '', ['http:', 'https:']).replace(/\/+$/, ''),
    // A burst of pushes (every tag of a release, a registry's retries) fits; a sender in a loop does not.
    hookRate: { burst: reader.integer('FERRY_HOOK_RATE_BURST', 60, 1, 10_000), perSecond: reader.integer('FERRY_HOOK_RATE_PER_SECOND', 5, 1, 1_000) },
    proxyCachePromotionSeconds: reader.integer('FERRY_PROXY_CACHE_PROMOTION_SECONDS', 60, 1, 86_400),
  };
  // The bootstrap admin is the first superuser: without one, nobody could create the others.
  config.superusers = [...new Set([...reader.list('FERRY_SUPERUSERS'), ...(config.bootstrapAdmin ? [config.bootstrapAdmin.username] : [])])];
  reader.done();
  return config;
}

function readBootstrapAdmin(reader: ConfigReader): MirrorConfigServiceConfig['bootstrapAdmin'] {
  const password = reader.optional('FERRY_BOOTSTRAP_ADMIN_PASSWORD');
  const token = reader.optional('FERRY_BOOTSTRAP_ADMIN_TOKEN');
  if (password === undefined) {
    if (token !== undefined) reader.problems.push('FERRY_BOOTSTRAP_ADMIN_TOKEN needs FERRY_BOOTSTRAP_ADMIN_PASSWORD');
    return undefined;
  }
  // The values themselves are never part of a message.
  if (passwordProblem(password)) reader.problems.push(`FERRY_BOOTSTRAP_ADMIN_PASSWORD ${passwordProblem(password)}`);
  if (token !== undefined && tokenKindOf(token) !== TokenKind.User) reader.problems.push(`FERRY_BOOTSTRAP_ADMIN_TOKEN must be a ${TokenKind.User}... token (43 base64url characters after the prefix)`);
  return { username: reader.string('FERRY_BOOTSTRAP_ADMIN_USERNAME', 'admin'), password, token };
}

function readOidc(reader: ConfigReader): MirrorConfigServiceConfig['oidc'] {
  const issuer = reader.optional('FERRY_OIDC_ISSUER');
  if (issuer === undefined) return undefined;
  const audience = reader.required('FERRY_OIDC_AUDIENCE', 'the audience (aud) Ferry accepts in tokens of FERRY_OIDC_ISSUER');
  return { issuer: reader.url('FERRY_OIDC_ISSUER', issuer, ['https:', 'http:']), audience, usernameClaim: reader.string('FERRY_OIDC_USERNAME_CLAIM', 'preferred_username') };
}


