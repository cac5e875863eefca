import { Inject, Injectable } from '@nestjs/common';
import { aggregateSubject, AggregateKind, organizationNameProblem, repositoryNameProblem, type ProxyCacheConfig } from '@ferry/contracts';
import { loadState, type Causation, type EventStore } from '@ferry/event-store';
import { Allowlist, assertHostAllowed, type AddressGuard } from '@ferry/net-guard';
import { cachedTagsFold, parseUpstreamRegistry, proxyCacheDecider, upstreamBaseUrl, upstreamRepository, type UpstreamRegistry } from '@ferry/proxy-cache';
import { createRegistryDispatcher } from '@ferry/registry-client';
import type { SecretBox } from '@ferry/secrets';
import { EVENT_STORE } from '@ferry/service-runtime';
import { withSpan } from '@ferry/telemetry';
import { Commands } from '../commands';
import type { MirrorConfigServiceConfig } from '../config';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { readBody } from '../http/request-body';
import { OrgMirrorQueries } from '../org-mirror/org-mirror-queries';
import { SECRET_BOX, SERVICE_CONFIG } from '../tokens';
import { ProxyCacheLookup } from './proxy-cache-lookup';
import { DEFAULT_EXPIRATION_S, DEFAULT_STALE_BOUND_S, PROXY_CACHE_BODY, PROXY_CACHE_PROMOTE_BODY, type ProxyCacheBody } from './proxy-cache.input';
import { MirrorService, type MirrorAnswer } from '../mirror/mirror.service';
import { proxyCacheView, type ProxyCacheView } from './proxy-cache.view';
import { probeUpstream } from './upstream-probe';
import { z } from 'zod';
import type { ProxyCacheConfigEvent, ProxyCacheRepositoryEvent } from '@ferry/contracts';
import { readQuery } from '../http/query';
import type { UsageLogEntry } from '../runs/run.view';
import { usageLogEntry } from '../runs/usage-log';
import { describeProxyCacheEvent } from './proxy-cache-log';
import { ProxyCacheQueries } from './proxy-cache-queries';
import { RobotQueries } from '../robots/robot-queries';

const LIMIT_MESSAGE = 'must be a whole number from 1 to 500';
/** The usage log's `?limit=`: 1 to 500, default 50. */
export const PROXY_CACHE_LOGS_QUERY = z.object({
  limit: z.coerce.number({ error: LIMIT_MESSAGE }).int({ error: LIMIT_MESSAGE }).min(1, { error: LIMIT_MESSAGE }).max(500, { error: LIMIT_MESSAGE }).optional(),
});

/** How long validation waits for the upstream's answer. */
const PROBE_TIMEOUT_MS = 15_000;

class AddressRefused extends Error {}

/** Quay's proxy-cache organizations: settings as events on the organization's `proxycache` subject. */
@Injectable()
export class ProxyCacheService {
  constructor(
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(SERVICE_CONFIG) private readonly config: MirrorConfigServiceConfig,
    private readonly commands: Commands,
    private readonly organizations: OrgMirrorQueries,
    private readonly lookup: ProxyCacheLookup,
    private readonly mirrors: MirrorService,
    private readonly queries: ProxyCacheQueries,
    private readonly robots: RobotQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** The organization the path names: a 400 naming `orgname` for a bad name, a 404 when there is none. */
  private async organization(organization: string): Promise<string> {
    const problem = organizationNameProblem(organization);
    if (problem) throw new InvalidRequestError([{ field: 'orgname', message: problem }]);
    if (!(await this.organizations.organizationExists(organization))) throw new NotFoundError(`no organization ${organization}`);
    return organization;
  }

  async get(organization: string): Promise<ProxyCacheView> {
    await this.organization(organization);
    this.lookup.forget(organization);
    const config = await this.lookup.config(organization);
    return proxyCacheView(config, config ? await this.queries.cachedBytes(organization) : 0);
  }

  /** Quay's create: 400 when the organization has one already; the password sealed before it is stored. */
  async create(organization: string, body: unknown, causation: Causation): Promise<{ view: string; ignored: string[] }> {
    await this.organization(organization);
    const { value, ignored } = readBody(PROXY_CACHE_BODY, body);
    await this.checkedUpstream(value);
    const config: ProxyCacheConfig = {
      upstreamRegistry: value.upstream_registry.trim().replace(/\/+$/, ''),
      upstreamRegistryUsername: value.upstream_registry_username || null,
      upstreamRegistryPassword: value.upstream_registry_password ? this.secrets.seal(value.upstream_registry_password) : null,
      expirationS: value.expiration_s ?? DEFAULT_EXPIRATION_S,
      insecure: value.insecure ?? false,
      staleBoundS: value.stale_bound_s ?? DEFAULT_STALE_BOUND_S,
      promotion: value.promotion_rule
        ? { minPulls: value.promotion_rule.min_pulls, days: value.promotion_rule.days, robotUsername: value.promotion_rule.robot_username, keepNewest: value.promotion_rule.keep_newest ?? null }
        : null,
      sizeLimitBytes: value.size_limit_bytes ?? null,
    };
    if (config.promotion && !(await this.robots.exists(config.promotion.robotUsername))) {
      throw new InvalidRequestError([{ field: 'promotion_rule.robot_username', message: `Invalid robot account: ${config.promotion.robotUsername} (no such robot; create it first)` }]);
    }
    await withSpan('proxy-cache.create', async (span) => {
      span.setAttribute('ferry.organization', organization);
      await this.commands.run(AggregateKind.ProxyCache, organization, proxyCacheDecider, { kind: 'create', organization, config }, causation);
    });
    this.lookup.forget(organization);
    return { view: 'Created', ignored };
  }

  /** Quay's delete: 404 when there is none; what the front cached stays in the target. */
  async delete(organization: string, causation: Causation): Promise<{ view: string; ignored: string[] }> {
    await this.organization(organization);
    await this.commands.run(AggregateKind.ProxyCache, organization, proxyCacheDecider, { kind: 'delete' }, causation);
    this.lookup.forget(organization);
    return { view: 'Deleted', ignored: [] };
  }

  /**
   * Quay's validation: can the front reach the upstream with these settings? `Valid` or
   * `Anonymous` (202), else a 400 with Quay's message. Writes nothing.
   */
  async validate(organization: string, body: unknown): Promise<{ view: string; ignored: string[] }> {
    await this.organization(organization);
    const { value, ignored } = readBody(PROXY_CACHE_BODY, body);
    const upstream = await this.checkedUpstream(value);
    const dispatcher = createRegistryDispatcher({ verifyTls: !(value.insecure ?? false), addressGuard: { allowedHosts: this.config.ssrfAllowedHosts } });
    const credentials = value.upstream_registry_username ? { username: value.upstream_registry_username, password: value.upstream_registry_password ?? '' } : null;
    try {
      const answer = await probeUpstream(upstreamBaseUrl(upstream, value.insecure ?? false), dispatcher, credentials, PROBE_TIMEOUT_MS).catch(() => 'Failed' as const);
      if (answer === 'Failed') {
        const message = credentials ? 'Failed login to remote registry. Please verify entered details and try again.' : 'Failed to validate Proxy cache configuration';
        throw new InvalidRequestError([{ field: 'upstream_registry', message }]);
      }
      return { view: answer, ignored };
    } finally {
      await dispatcher.close().catch(() => undefined);
    }
  }

  /**
   * Turns a repository pulled through the cache into a scheduled repository mirror of its
   * upstream (with the cache's credentials and TLS setting), so what clients pull is kept up to
   * date without waiting for a pull. The mirror is created as `POST .../mirror` creates one, with
   * its checks (the robot, the address guard) and events.
   */
  async promote(organization: string, repository: string, body: unknown, causation: Causation): Promise<MirrorAnswer> {
    await this.organization(organization);
    const problem = repositoryNameProblem(repository);
    if (problem) throw new InvalidRequestError([{ field: 'repository', message: problem }]);
    const { value, ignored } = readBody(PROXY_CACHE_PROMOTE_BODY, body);
    this.lookup.forget(organization);
    const config = await this.lookup.config(organization);
    if (!config) throw new NotFoundError(`${organization} is not a proxy-cache organization`);
    const upstream = parseUpstreamRegistry(config.upstreamRegistry);
    if (typeof upstream === 'string') throw new NotFoundError(`${organization} has no usable upstream: ${upstream}`);
    const pulled = await loadState(this.store, aggregateSubject(this.store.prefix, AggregateKind.ProxyCacheRepository, `${organization}/${repository}`), cachedTagsFold);
    const tags = value.tags ?? [...pulled.state.keys()].sort();
    if (!tags.length) throw new InvalidRequestError([{ field: 'tags', message: `nothing of ${organization}/${repository} was pulled by tag through the cache: name the tags to mirror` }]);
    const mirrorBody = {
      external_reference: `${upstream.host}/${upstreamRepository(upstream, repository)}`,
      robot_username: value.robot_username,
      tag_rule: { include: [{ kind: 'glob', patterns: tags }], ...(value.keep_newest ? { keep_newest: { count: value.keep_newest, by: 'semver' } } : {}) },
      sync_start_date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      sync_interval: value.sync_interval ?? 86_400,
      external_registry_username: config.upstreamRegistryUsername,
      external_registry_password: config.upstreamRegistryPassword ? this.secrets.open(config.upstreamRegistryPassword) : null,
      external_registry_config: { verify_tls: !config.insecure },
    };
    const answer = await this.mirrors.create({ namespace: organization, repository }, mirrorBody, causation);
    return { ...answer, ignored: [...ignored, ...answer.ignored] };
  }

  /** The proxy cache's events, newest first, each in one sentence: its settings, and every fill, refresh and stale answer of the front. */
  async logs(organization: string, query: Record<string, unknown>): Promise<{ logs: UsageLogEntry[] }> {
    const { limit } = readQuery(PROXY_CACHE_LOGS_QUERY, query);
    const rows = await this.queries.logs(await this.organization(organization), limit ?? 50);
    return { logs: rows.map((e) => usageLogEntry(e, describeProxyCacheEvent({ type: e.type, data: e.data } as ProxyCacheConfigEvent | ProxyCacheRepositoryEvent))) };
  }

  /** The upstream, parsed, and not on an internal address that FERRY_SSRF_ALLOWED_HOSTS does not list. */
  private async checkedUpstream(value: ProxyCacheBody): Promise<UpstreamRegistry> {
    const upstream = parseUpstreamRegistry(value.upstream_registry);
    if (typeof upstream === 'string') throw new InvalidRequestError([{ field: 'upstream_registry', message: upstream }]);
    const url = new URL(upstreamBaseUrl(upstream, value.insecure ?? false));
    const guard: AddressGuard = {
      allowlist: new Allowlist(this.config.ssrfAllowedHosts),
      refuse: (host, address, reason) =>
        new AddressRefused(`is not allowed: ${host} ${address === host ? 'is' : `resolves to ${address}, which is`} a ${reason} address, not in the allowed hosts (FERRY_SSRF_ALLOWED_HOSTS)`),
    };
    try {
      await assertHostAllowed(url.hostname, url.port || (url.protocol === 'https:' ? 443 : 80), guard);
    } catch (error) {
      // A name that does not resolve now is not refused: the front checks every connection again.
      if (error instanceof AddressRefused) throw new InvalidRequestError([{ field: 'upstream_registry', message: error.message }]);
    }
    return upstream;
  }
}
