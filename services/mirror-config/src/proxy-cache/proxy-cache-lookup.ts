import { Inject, Injectable } from '@nestjs/common';
import { aggregateSubject, AggregateKind, type ProxyCacheConfig } from '@ferry/contracts';
import { loadState, type EventStore } from '@ferry/event-store';
import { proxyCacheDecider } from '@ferry/proxy-cache';
import { EVENT_STORE } from '@ferry/service-runtime';

/** How long an answer is reused by the token service (a new proxy cache takes effect within it on other API processes). */
const REUSE_MS = 3_000;

/**
 * A proxy-cache organization's settings, folded from its events (the log is small: created,
 * deleted). The token service asks on every token for an unknown repository, so answers are
 * reused briefly; this process's own changes clear them at once.
 */
@Injectable()
export class ProxyCacheLookup {
  private readonly recent = new Map<string, { at: number; config: Promise<ProxyCacheConfig | null> }>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  config(organization: string): Promise<ProxyCacheConfig | null> {
    const hit = this.recent.get(organization);
    if (hit && Date.now() - hit.at < REUSE_MS) return hit.config;
    const config = loadState(this.store, aggregateSubject(this.store.prefix, AggregateKind.ProxyCache, organization), proxyCacheDecider).then((r) => r.state.config);
    config.catch(() => this.recent.delete(organization));
    this.recent.set(organization, { at: Date.now(), config });
    if (this.recent.size > 10_000) this.recent.delete(this.recent.keys().next().value!);
    return config;
  }

  async isProxyCache(organization: string): Promise<boolean> {
    return (await this.config(organization)) !== null;
  }

  forget(organization: string): void {
    this.recent.delete(organization);
  }
}
