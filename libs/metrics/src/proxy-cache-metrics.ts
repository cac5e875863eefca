import { Counter } from 'prom-client';

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

export const PROXY_CACHE_METRICS = [requests, upstreamBytes, sharedFetches];

export function recordProxyCacheRequest(organization: string, kind: 'manifest' | 'blob', result: ProxyCacheResult): void {
  requests.inc({ organization, kind, result });
}
export function recordUpstreamBytes(organization: string, bytes: number): void {
  upstreamBytes.inc({ organization }, bytes);
}
export function recordSharedFetch(organization: string): void {
  sharedFetches.inc({ organization });
}
