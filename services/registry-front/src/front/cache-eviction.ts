import { AggregateKind, kindSubjects, type ProxyCacheRepositoryEvent } from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import { recordProxyCacheBytes, recordProxyCacheEviction } from '@ferry/metrics';
import { applyCacheUsage, cachedBytes, emptyCacheUsage, planEviction, type MutableCacheUsage } from '@ferry/proxy-cache';
import { errorText } from '@ferry/service-runtime';
import type { ProxyCacheOrganization, ProxyCacheSettings } from './proxy-cache-settings';
import type { TargetRegistry } from './target-registry';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long an eviction waits for the log to bring it the fill that asked for it. */
const CATCH_UP_MS = 10_000;
/** Pulls the front remembers (hits are no events): beyond it the oldest are forgotten and the events' times stand. */
const PULLS_REMEMBERED = 100_000;

/**
 * Keeps proxy-cache organizations within their `size_limit_bytes`. What each holds is folded
 * from the log (every front's fills and evictions, on the proxy-cache repository subjects,
 * followed from the start); when it passes the limit after a fill, what was pulled least
 * recently (hits as this front saw them, else the events' times) is deleted from the target
 * (the manifest first, which takes its tags; then what only it named) and recorded as
 * `ProxyCacheEvicted`. One eviction per organization at a time; a fill meanwhile asks again.
 */
export class CacheEviction {
  private readonly usage = new Map<string, MutableCacheUsage>();
  private readonly pulls = new Map<string, string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Map<string, ProxyCacheOrganization>();
  private readonly stopping = new AbortController();
  private position = 0;
  /** The last eviction this front recorded: the next plan waits until the fold has it, so nothing is evicted twice. */
  private recorded = 0;
  private following: Promise<void> | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly target: TargetRegistry,
    private readonly settings: ProxyCacheSettings,
    private readonly log: { warn(message: string): void },
  ) {}

  start(): void {
    this.following ??= this.follow();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([this.following, ...this.running.values()]);
  }

  /** Follows the front's events from where it got to, again after the log was away. */
  private async follow(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        for await (const event of this.store.follow(this.position + 1, signal, kindSubjects(this.store.prefix, AggregateKind.ProxyCacheRepository))) {
          const e = event as typeof event & ProxyCacheRepositoryEvent;
          let usage = this.usage.get(e.data.organization);
          if (!usage) this.usage.set(e.data.organization, (usage = emptyCacheUsage()));
          applyCacheUsage(usage, e);
          this.position = event.position;
        }
      } catch (error) {
        if (signal.aborted) return;
        this.log.warn(`proxy-cache eviction cannot follow the event log, trying again: ${errorText(error)}`);
      }
      await sleep(1000);
    }
  }

  /** A client pulled the manifest: the newest pull counts, not only the events' times. */
  pulled(organization: string, repository: string, digest: string): void {
    const id = `${organization}/${repository}@${digest}`;
    this.pulls.delete(id);
    this.pulls.set(id, new Date().toISOString());
    if (this.pulls.size > PULLS_REMEMBERED) this.pulls.delete(this.pulls.keys().next().value!);
  }

  /** After a fill recorded at `position`: evicts when the organization is past its limit. */
  check(org: ProxyCacheOrganization, position: number): void {
    if (!org.config.sizeLimitBytes) return;
    if (this.running.has(org.organization)) {
      this.again.set(org.organization, org);
      return;
    }
    const run = this.evict(org, position)
      .catch((error: unknown) => this.log.warn(`proxy cache ${org.organization}: eviction failed (the next fill tries again): ${errorText(error)}`))
      .finally(() => {
        this.running.delete(org.organization);
        const next = this.again.get(org.organization);
        this.again.delete(org.organization);
        if (next && !this.stopping.signal.aborted) this.check(next, this.position);
      });
    this.running.set(org.organization, run);
  }

  private async evict(org: ProxyCacheOrganization, position: number): Promise<void> {
    const until = Date.now() + CATCH_UP_MS;
    const seen = Math.max(position, this.recorded);
    while (this.position < seen && Date.now() < until && !this.stopping.signal.aborted) await sleep(20);
    if (this.position < seen) throw new Error(`the event log has not brought position ${seen} within ${CATCH_UP_MS} ms`);
    const usage = this.usage.get(org.organization);
    const limit = org.config.sizeLimitBytes;
    if (!usage || !limit) return;
    const plan = planEviction(usage, limit, (repository, digest) => this.pulls.get(`${org.organization}/${repository}@${digest}`));
    let cached = plan.cachedBytes;
    for (const eviction of plan.evictions) {
      if (this.stopping.signal.aborted) break;
      const name = `${org.organization}/${eviction.repository}`;
      // The manifest first: once it is gone (with its tags) no client is sent to what follows.
      for (const digest of eviction.removed) {
        const item = usage.items.get(`${eviction.repository}@${digest}`);
        const manifest = digest === eviction.digest || (item?.references.length ?? 0) > 0;
        await (manifest ? this.target.deleteManifest(name, digest) : this.target.deleteBlob(name, digest));
      }
      this.recorded = await this.settings.record(org.organization, eviction.repository, {
        type: 'ProxyCacheEvicted',
        data: { organization: org.organization, ...eviction, cachedBytes: cached, limitBytes: limit },
      });
      for (const digest of eviction.removed) this.pulls.delete(`${name}@${digest}`);
      recordProxyCacheEviction(org.organization, eviction.bytes);
      cached -= eviction.bytes;
    }
    recordProxyCacheBytes(org.organization, plan.evictions.length ? cached : cachedBytes(usage));
  }
}
