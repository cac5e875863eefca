export { proxyCacheDecider, decideProxyCache, evolveProxyCache, initialProxyCacheState, type ProxyCacheCommand, type ProxyCacheState } from './proxy-cache.decider';
export { parseUpstreamRegistry, upstreamRepository, upstreamBaseUrl, type UpstreamRegistry } from './upstream-registry';
export { cachedTagsFold, evolveCachedTags, isDigest, mayServeStale, staleReasonFor, tagAgeSeconds, tagFreshness, type CachedTag, type CachedTags, type TagFreshness } from './cached-tags';
export { SingleFlight } from './single-flight';
export { parseDistributionPath, splitRepositoryName, type DistributionRequest } from './distribution-path';
export { applyCacheUsage, cachedBytes, emptyCacheUsage, evolveCacheUsage, type MutableCacheUsage, planEviction, type CacheUsage, type CachedItem, type Eviction, type PulledManifest } from './cache-usage';
export { blobDataPath, fillTempDirectory, isStorableDigest, layerLinkPath, manifestRevisionLinkPath, tagCurrentLinkPath } from './registry-storage-layout';
export { grantsPull, tokenLive, type ExpectedToken, type RegistryTokenClaims } from './registry-token-access';
export { RegistryTokenVerifier } from './registry-token-verifier';
