import type { ProxyCacheConfigEvent, ProxyCacheRepositoryEvent } from '@ferry/contracts';

type ProxyCacheEvent = ProxyCacheConfigEvent | ProxyCacheRepositoryEvent;
type Sentence<T extends ProxyCacheEvent['type']> = (data: Extract<ProxyCacheEvent, { type: T }>['data']) => string;

/** Each proxy-cache event in one sentence, for the usage log: a missing one does not compile. */
const SENTENCES: { [T in ProxyCacheEvent['type']]: Sentence<T> } = {
  ProxyCacheCreated: (d) => `${d.organization} became a proxy cache of ${d.config.upstreamRegistry} (tags re-checked after ${d.config.expirationS} s, served stale up to ${d.config.staleBoundS} s past that${d.config.sizeLimitBytes ? `, holding at most ${d.config.sizeLimitBytes} bytes` : ''})${d.config.upstreamRegistryUsername ? `, pulling as ${d.config.upstreamRegistryUsername}` : ''}.`,
  ProxyCacheDeleted: (d) => `${d.organization} is no longer a proxy cache; what it cached stays.`,
  ProxyCacheFilled: (d) => `${d.organization}/${d.repository}${d.kind === 'manifest' ? (d.reference === d.digest ? `@${d.digest}` : `:${d.reference}`) : ` blob ${d.digest}`} was fetched from ${d.upstream} and stored (${d.size} bytes).`,
  ProxyCacheRefreshed: (d) =>
    d.changed ? `${d.organization}/${d.repository}:${d.tag} moved upstream from ${d.previousDigest} to ${d.digest}; the new one was stored.` : `${d.organization}/${d.repository}:${d.tag} was checked upstream and is unchanged.`,
  ProxyCacheEvicted: (d) =>
    `${d.organization}/${d.repository}${d.tags.length ? `:${d.tags.join(', :')}` : `@${d.digest}`} was evicted from the cache (${d.bytes} bytes freed), last pulled ${d.lastPulledAt}, because the organization's cached bytes (${d.cachedBytes}) passed its size limit of ${d.limitBytes}.`,
  ProxyCacheStaleServed: (d) => `${d.organization}/${d.repository}:${d.tag} was served from the cache ${d.ageSeconds} s after the upstream last confirmed it, because the upstream ${STALE_CAUSE[d.reason]}${d.upstreamStatus ? ` (${d.upstreamStatus})` : ''}.`,
};

const STALE_CAUSE = {
  'upstream-5xx': 'failed',
  'upstream-429': 'is rate-limiting pulls',
  'upstream-timeout': 'timed out',
  'upstream-unreachable': 'could not be reached',
  'upstream-tag-deleted': 'no longer has the tag',
} as const;

export function describeProxyCacheEvent(event: Pick<ProxyCacheEvent, 'type' | 'data'>): string {
  return (SENTENCES[event.type] as Sentence<typeof event.type>)(event.data as never);
}
