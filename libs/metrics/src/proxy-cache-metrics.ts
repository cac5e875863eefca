import { Counter, Gauge } from 'prom-client';

/*
 * What the registry front answers for proxy-cache organizations, labelled by organization (one
 * upstream each, so the label's values are as many as the proxy caches configured).
 */

export const PROXY_CACHE_RESULTS = ['hit', 'miss', 'refreshed', 'stale', 'failed'] as const;
export type ProxyCacheResult = (typeof PROXY_CACHE_RESULTS)[number];

const requests = new Counter({
  name: 'ferry_proxy_cache_requests_total',
  help: 'Manifest and blob requests the registry front answered for proxy-cache organizations, by organization, kind (manifest, blob) and result: hit (from the target), miss (fetched upstream), refreshed (a tag checked upstream after its expiry), stale (served past expiry while the upstream failed), failed.',
  labelNames: ['organization', 'kind', 'result'],
  registers: [],
});

const upstreamBytes = new Counter({
  name: 'ferry_proxy_cache_upstream_bytes_total',
  help: 'Bytes the registry front fetched from upstreams to fill proxy caches, by organization.',
  labelNames: ['organization'],
  registers: [],
});

const sharedFetches = new Counter({
  name: 'ferry_proxy_cache_shared_fetches_total',
  help: 'Blob requests that joined a fetch of the same blob already in flight instead of fetching it upstream again, by organization.',
  labelNames: ['organization'],
  registers: [],
});

const evictions = new Counter({
  name: 'ferry_proxy_cache_evictions_total',
  help: 'Tags and manifests the registry front deleted from the target because the organization\'s cached bytes passed its size_limit_bytes (least recently pulled first), by organization.',
  labelNames: ['organization'],
  registers: [],
});

const evictedBytes = new Counter({
  name: 'ferry_proxy_cache_evicted_bytes_total',
  help: 'Bytes of manifests and blobs the registry front evicted from the target under organizations\' size limits, by organization.',
  labelNames: ['organization'],
  registers: [],
});

const cachedBytes = new Gauge({
  name: 'ferry_proxy_cache_cached_bytes',
  help: 'Bytes an organization\'s proxy cache holds in the target as the registry front counts them (manifests and the blobs they name, once per repository), by organization.',
  labelNames: ['organization'],
  registers: [],
});

export const PROXY_CACHE_METRICS = [requests, upstreamBytes, sharedFetches, evictions, evictedBytes, cachedBytes];

export function recordProxyCacheRequest(organization: string, kind: 'manifest' | 'blob', result: ProxyCacheResult): void {
  requests.inc({ organization, kind, result });
}
export function recordUpstreamBytes(organization: string, bytes: number): void {
  upstreamBytes.inc({ organization }, bytes);
}
export function recordSharedFetch(organization: string): void {
  sharedFetches.inc({ organization });
}
export function recordProxyCacheEviction(organization: string, bytes: number): void {
  evictions.inc({ organization });
  evictedBytes.inc({ organization }, bytes);
}
export function recordProxyCacheBytes(organization: string, bytes: number): void {
  cachedBytes.set({ organization }, bytes);
}
