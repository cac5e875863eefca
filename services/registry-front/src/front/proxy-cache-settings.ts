import { randomUUID } from 'node:crypto';
import { aggregateSubject, AggregateKind, serviceActor, type NewEvent, type ProxyCacheConfig, type ProxyCacheRepositoryEvent } from '@ferry/contracts';
import { loadState, type EventStore } from '@ferry/event-store';
import { cachedTagsFold, evolveCachedTags, parseUpstreamRegistry, proxyCacheDecider, upstreamRepository, type CachedTags, type UpstreamRegistry } from '@ferry/proxy-cache';
import { createRegistryDispatcher, RegistryClient } from '@ferry/registry-client';
import type { SecretBox } from '@ferry/secrets';
import type { Dispatcher } from 'undici';

/** A proxy-cache organization as the front serves it: its settings and one client of its upstream. */
export interface ProxyCacheOrganization {
  organization: string;
  config: ProxyCacheConfig;
  upstream: UpstreamRegistry;
  client: RegistryClient;
  upstreamRepository(repository: string): string;
}

export interface ProxyCacheSettingsOptions {
  ssrfAllowedHosts: readonly string[];
  upstreamTimeoutMs: number;
  /** How long settings read from the log are reused. */
  reuseMs: number;
}

const ACTOR = serviceActor('registry-front');

/**
 * What the front knows of proxy-cache organizations, all of it folded from the event log (the
 * front keeps no database): each organization's settings, reused for `reuseMs`, and each
 * repository's cached tags, read once and then kept up to date by the front's own events.
 */
export class ProxyCacheSettings {
  private readonly organizations = new Map<string, { at: number; value: Promise<ProxyCacheOrganization | null> }>();
  private readonly built = new Map<string, { key: string; organization: ProxyCacheOrganization; dispatcher: Dispatcher }>();
  private readonly tags = new Map<string, Promise<CachedTags>>();

  constructor(
    private readonly store: EventStore,
    private readonly secrets: SecretBox,
    private readonly options: ProxyCacheSettingsOptions,
  ) {}

  /** The organization's proxy cache, or null when it is an ordinary namespace. */
  organization(name: string): Promise<ProxyCacheOrganization | null> {
    const held = this.organizations.get(name);
    if (held && Date.now() - held.at < this.options.reuseMs) return held.value;
    const value = loadState(this.store, aggregateSubject(this.store.prefix, AggregateKind.ProxyCache, name), proxyCacheDecider).then(({ state }) =>
      state.config ? this.build(name, state.config) : null,
    );
    value.catch(() => this.organizations.delete(name));
    this.organizations.set(name, { at: Date.now(), value });
    if (this.organizations.size > 10_000) this.organizations.delete(this.organizations.keys().next().value!);
    return value;
  }

  /** Reuses the upstream client while the settings stay the same (its connections and tokens with it). */
  private build(name: string, config: ProxyCacheConfig): ProxyCacheOrganization | null {
    const key = JSON.stringify(config);
    const held = this.built.get(name);
    if (held?.key === key) return held.organization;
    // Changed settings: the old client's connections close once what uses them is done.
    if (held) void held.dispatcher.close().catch(() => undefined);
    const upstream = parseUpstreamRegistry(config.upstreamRegistry);
    if (typeof upstream === 'string') return null;
    const dispatcher = createRegistryDispatcher({ verifyTls: !config.insecure, addressGuard: { allowedHosts: this.options.ssrfAllowedHosts } });
    const client = new RegistryClient({
      host: upstream.host,
      scheme: config.insecure ? 'http' : 'https',
      dispatcher,
      ...(config.upstreamRegistryUsername
        ? { credentials: { username: config.upstreamRegistryUsername, password: config.upstreamRegistryPassword ? this.secrets.open(config.upstreamRegistryPassword) : '' } }
        : {}),
      timeoutMs: this.options.upstreamTimeoutMs,
      // A failing upstream is answered at once (from the cache when it may): clients retry themselves.
      retry: { baseMs: 100, maxMs: 100, maxAttempts: 1 },
    });
    const organization: ProxyCacheOrganization = { organization: name, config, upstream, client, upstreamRepository: (repository) => upstreamRepository(upstream, repository) };
    this.built.set(name, { key, organization, dispatcher });
    return organization;
  }

  /** Closes every upstream's connections (shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.built.values()].map((b) => b.dispatcher.close().catch(() => undefined)));
  }

  /** The repository's cached tags and when the upstream last confirmed each. */
  cachedTags(organization: string, repository: string): Promise<CachedTags> {
    const id = `${organization}/${repository}`;
    let held = this.tags.get(id);
    if (!held) {
      held = loadState(this.store, aggregateSubject(this.store.prefix, AggregateKind.ProxyCacheRepository, id), cachedTagsFold).then((r) => r.state);
      held.catch(() => this.tags.delete(id));
      this.tags.set(id, held);
      if (this.tags.size > 50_000) this.tags.delete(this.tags.keys().next().value!);
    }
    return held;
  }

  /** Records what the front did, on the repository's subject, and folds it into the tags it keeps; the event's position in the log. */
  async record(organization: string, repository: string, event: NewEvent<ProxyCacheRepositoryEvent>): Promise<number> {
    const id = `${organization}/${repository}`;
    const correlationId = randomUUID();
    const [stored] = await this.store.append(aggregateSubject(this.store.prefix, AggregateKind.ProxyCacheRepository, id), [event], {
      aggregateId: id,
      correlationId,
      causationId: correlationId,
      actor: ACTOR,
    });
    const held = this.tags.get(id);
    if (held && stored) this.tags.set(id, held.then((tags) => evolveCachedTags(tags, stored as ProxyCacheRepositoryEvent)));
    return stored?.position ?? 0;
  }
}
