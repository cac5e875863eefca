import type { ProxyCacheRepositoryEvent } from '@ferry/contracts';
import { isDigest } from './cached-tags';

/**
 * What one proxy-cache organization holds in the target, folded from the front's events: every
 * manifest and blob stored (by repository, with its size and, for a manifest, the digests it
 * names) and every manifest pulled by tag or by digest, with when it was last pulled.
 */
export interface CacheUsage {
  /** `repository@digest` → a stored manifest or blob. */
  readonly items: ReadonlyMap<string, CachedItem>;
  /** `repository@digest` → what clients pulled of that manifest: its tags and the last pull. */
  readonly pulled: ReadonlyMap<string, PulledManifest>;
}

export interface CachedItem {
  repository: string;
  digest: string;
  size: number;
  /** A manifest's config, layers or manifests; a blob's none. */
  references: readonly string[];
}

export interface PulledManifest {
  repository: string;
  digest: string;
  tags: readonly string[];
  /** ISO-8601. */
  lastPulledAt: string;
}

export const emptyCacheUsage = (): MutableCacheUsage => ({ items: new Map(), pulled: new Map() });

const key = (repository: string, digest: string) => `${repository}@${digest}`;

function pulledAt(pulled: Map<string, PulledManifest>, repository: string, digest: string, at: string, tag: string | null): void {
  const id = key(repository, digest);
  const held = pulled.get(id);
  const tags = held ? [...held.tags] : [];
  if (tag && !tags.includes(tag)) tags.push(tag);
  pulled.set(id, { repository, digest, tags, lastPulledAt: held && held.lastPulledAt > at ? held.lastPulledAt : at });
}

/** A tag moved: it no longer names its old manifest. */
function untag(pulled: Map<string, PulledManifest>, repository: string, tag: string, keepDigest: string): void {
  for (const [id, p] of pulled) if (p.repository === repository && p.digest !== keepDigest && p.tags.includes(tag)) pulled.set(id, { ...p, tags: p.tags.filter((t) => t !== tag) });
}

/** A cache's usage that one holder keeps up to date in place (the front's index, a query's fold): no copy per event. */
export interface MutableCacheUsage extends CacheUsage {
  readonly items: Map<string, CachedItem>;
  readonly pulled: Map<string, PulledManifest>;
}

/** Folds one event into `usage` in place; events of other kinds change nothing. */
export function applyCacheUsage(usage: MutableCacheUsage, event: ProxyCacheRepositoryEvent): void {
  const { items, pulled } = usage;
  const at = event.occurredAt;
  switch (event.type) {
    case 'ProxyCacheFilled': {
      const d = event.data;
      items.set(key(d.repository, d.digest), { repository: d.repository, digest: d.digest, size: d.size, references: d.references ?? [] });
      if (d.kind === 'manifest') {
        const tag = isDigest(d.reference) ? null : d.reference;
        if (tag) untag(pulled, d.repository, tag, d.digest);
        pulledAt(pulled, d.repository, d.digest, at, tag);
      }
      return;
    }
    case 'ProxyCacheRefreshed':
      untag(pulled, event.data.repository, event.data.tag, event.data.digest);
      pulledAt(pulled, event.data.repository, event.data.digest, at, event.data.tag);
      return;
    case 'ProxyCacheStaleServed':
      pulledAt(pulled, event.data.repository, event.data.digest, at, event.data.tag);
      return;
    case 'ProxyCacheEvicted':
      pulled.delete(key(event.data.repository, event.data.digest));
      for (const digest of event.data.removed) {
        items.delete(key(event.data.repository, digest));
        pulled.delete(key(event.data.repository, digest));
      }
      return;
    default:
      return;
  }
}

export function evolveCacheUsage(state: CacheUsage, event: ProxyCacheRepositoryEvent): CacheUsage {
  const next: MutableCacheUsage = { items: new Map(state.items), pulled: new Map(state.pulled) };
  applyCacheUsage(next, event);
  return next;
}

/** Bytes the organization's cache holds in the target: every manifest and blob stored, once per repository. */
export function cachedBytes(usage: CacheUsage): number {
  let total = 0;
  for (const item of usage.items.values()) total += item.size;
  return total;
}

/** One eviction: the manifest and its tags, and what goes with it. */
export interface Eviction {
  repository: string;
  digest: string;
  tags: string[];
  lastPulledAt: string;
  /** Every manifest and blob deleted from the repository (the manifest first, then what it names, depth first). */
  removed: string[];
  bytes: number;
}

/** Everything the manifest names, itself first, as far as the cache knows it. */
function closure(items: ReadonlyMap<string, CachedItem>, repository: string, digest: string, into = new Set<string>()): Set<string> {
  if (into.has(digest)) return into;
  into.add(digest);
  for (const child of items.get(key(repository, digest))?.references ?? []) closure(items, repository, child, into);
  return into;
}

/**
 * What to evict so the organization's cached bytes fit `limitBytes`: manifests pulled by clients
 * (with all their tags: the target deletes a manifest with its tags), least recently pulled first,
 * each with whatever it names that no manifest still cached names too. A manifest that another
 * cached one names (an index's image) goes only with that one. The most recently pulled manifest
 * always stays, however large: a cache that deletes what was just pulled serves nothing.
 * `lastPulled` may tell of pulls newer than the events (the front's own memory of hits).
 */
export function planEviction(usage: CacheUsage, limitBytes: number, lastPulled: (repository: string, digest: string) => string | undefined = () => undefined): { cachedBytes: number; evictions: Eviction[] } {
  const before = cachedBytes(usage);
  if (before <= limitBytes) return { cachedBytes: before, evictions: [] };
  const named = new Set<string>();
  for (const item of usage.items.values()) for (const ref of item.references) if (ref !== item.digest) named.add(key(item.repository, ref));
  const roots = [...usage.pulled.values()]
    .filter((p) => !named.has(key(p.repository, p.digest)))
    .map((p) => {
      const seen = lastPulled(p.repository, p.digest);
      return { ...p, lastPulledAt: seen && seen > p.lastPulledAt ? seen : p.lastPulledAt };
    })
    .sort((a, b) => (a.lastPulledAt < b.lastPulledAt ? -1 : a.lastPulledAt > b.lastPulledAt ? 1 : key(a.repository, a.digest) < key(b.repository, b.digest) ? -1 : 1));
  const byKey = new Map(roots.map((r) => [key(r.repository, r.digest), r]));
  const remaining = new Set(byKey.keys());
  let total = before;
  const evictions: Eviction[] = [];
  for (const root of roots.slice(0, -1)) {
    if (total <= limitBytes) break;
    remaining.delete(key(root.repository, root.digest));
    const kept = new Set<string>();
    for (const id of remaining) {
      const r = byKey.get(id)!;
      if (r.repository === root.repository) closure(usage.items, r.repository, r.digest, kept);
    }
    const removed = [...closure(usage.items, root.repository, root.digest)].filter((d) => !kept.has(d));
    const bytes = removed.reduce((sum, d) => sum + (usage.items.get(key(root.repository, d))?.size ?? 0), 0);
    evictions.push({ repository: root.repository, digest: root.digest, tags: [...root.tags], lastPulledAt: root.lastPulledAt, removed, bytes });
    total -= bytes;
  }
  return { cachedBytes: before, evictions };
}
