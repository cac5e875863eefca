import { StaleReason, type ProxyCacheRepositoryEvent } from '@ferry/contracts';

/** What the front knows of one tag it serves: the digest it stored and when the upstream last confirmed it. */
export interface CachedTag {
  digest: string;
  /** ISO-8601: the last fill or refresh that asked the upstream. */
  checkedAt: string;
}

/** A proxy-cache repository's tags, folded from its `ProxyCacheFilled` and `ProxyCacheRefreshed` events. */
export type CachedTags = ReadonlyMap<string, CachedTag>;

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
export const isDigest = (reference: string): boolean => DIGEST.test(reference);

export function evolveCachedTags(state: CachedTags, event: ProxyCacheRepositoryEvent): CachedTags {
  const next = new Map(state);
  switch (event.type) {
    case 'ProxyCacheFilled':
      if (event.data.kind !== 'manifest' || isDigest(event.data.reference)) return state;
      next.set(event.data.reference, { digest: event.data.digest, checkedAt: event.occurredAt });
      return next;
    case 'ProxyCacheRefreshed':
      next.set(event.data.tag, { digest: event.data.digest, checkedAt: event.occurredAt });
      return next;
    case 'ProxyCacheEvicted':
      // Evicted from the target: the next pull of these tags is a miss.
      for (const tag of event.data.tags) next.delete(tag);
      return next;
    default:
      return state;
  }
}

export const cachedTagsFold = { initialState: (): CachedTags => new Map(), evolve: evolveCachedTags };

/** How the front answers a manifest request by tag it has stored. */
export type TagFreshness = 'fresh' | 'expired';

/** A tag is fresh for `expiration_s` after the upstream last confirmed it; a digest is always fresh (content cannot change). */
export function tagFreshness(tag: CachedTag, expirationS: number, now: Date): TagFreshness {
  return now.getTime() - Date.parse(tag.checkedAt) < expirationS * 1000 ? 'fresh' : 'expired';
}

/** Seconds since the upstream last confirmed the tag. */
export function tagAgeSeconds(tag: CachedTag, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(tag.checkedAt)) / 1000));
}

/** An expired tag may still be served when the upstream fails, until `staleBoundS` past its expiry. */
export function mayServeStale(tag: CachedTag, expirationS: number, staleBoundS: number, now: Date): boolean {
  return tagAgeSeconds(tag, now) <= expirationS + staleBoundS;
}

/**
 * Which upstream failures a stale copy may stand in for (the list): a 5xx, a 429, a
 * timeout, a refused or reset connection, the tag gone (404). Anything else (401, 403, a bad
 * request) is the client's answer: a cache must not hide that credentials stopped working.
 */
export function staleReasonFor(failure: { status: number } | { networkCode: string }): StaleReason | null {
  if ('status' in failure) {
    if (failure.status === 429) return StaleReason.TooManyRequests;
    if (failure.status >= 500) return StaleReason.ServerError;
    if (failure.status === 404) return StaleReason.TagDeleted;
    return null;
  }
  if (/TIMEOUT|ETIMEDOUT|ABORT/i.test(failure.networkCode)) return StaleReason.Timeout;
  return StaleReason.Unreachable;
}
