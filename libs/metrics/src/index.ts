export { metricsRegistry, exposeMetrics, exposeProcessMetrics, renderMetrics, type Metric } from './metrics-registry';
export {
  RUN_METRICS,
  recordWorkerActive,
  recordRunStarted,
  recordTagResult,
  recordTagVerification,
  RunBytesCounter,
  recordBlobCopied,
  recordRunFinished,
  type RunOutcomeLabel,
  type TagResultLabel,
  type BlobCopyLabel,
} from './run-metrics';
export { DISCOVERY_METRICS, recordDiscoveryStarted, recordDiscoveryPage, recordDiscoveryFinished, type DiscoveryOutcomeLabel } from './discovery-metrics';
export { REGISTRY_REQUEST_METRICS, recordRegistryRequest, recordRegistryRetry } from './registry-request-metrics';
export { MIRROR_METRICS, observeMirrors, type MirrorSample } from './mirror-metrics';
export { ORG_MIRROR_METRICS, observeOrgMirrors, type OrgMirrorSample } from './org-mirror-metrics';
export { SCHEDULING_METRICS, observeDueMirrors, recordLeaseTakeover, type DueSample } from './scheduling-metrics';
export { PROJECTION_METRICS, recordProjected, observeProjection } from './projection-metrics';
export { EVENT_STORE_METRICS, recordAppend, type AppendOutcome } from './event-store-metrics';
export { notificationMetrics, recordDelivery, type DeliveryOutcome } from './notification-metrics';
export { PROXY_CACHE_METRICS, PROXY_CACHE_RESULTS, recordProxyCacheRequest, recordUpstreamBytes, recordSharedFetch, recordProxyCacheEviction, recordProxyCacheBytes, type ProxyCacheResult } from './proxy-cache-metrics';
