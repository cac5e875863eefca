export { RegistryError, RegistryErrorCode, isRetryableStatus, errorFromResponse } from './registry-error';
export { ManifestMediaType, MANIFEST_ACCEPT, isIndexMediaType } from './media-types';
export { parseRepositoryReference, type RepositoryReference } from './repository-reference';
export { assertUpstreamAllowed, assertProxyAllowed } from './address-guard';
export { DEFAULT_RETRY_POLICY, retryDelayMs, withRetries } from './retry-policy';
export { parseAuthChallenge, type AuthChallenge } from './auth-challenge';
export { RateLimitGate, parseRateLimitRemaining, type SharedRateLimit } from './rate-limit-gate';
export { TokenAuthenticator, type RegistryCredentials } from './token-authenticator';
export { createRegistryDispatcher, type DispatcherOptions, type ProxySettings } from './registry-dispatcher';
export { DispatcherPool, type LentDispatcher } from './dispatcher-pool';
export { HostMemory } from './host-memory';
export { SchemeMemory } from './scheme-memory';
export { RegistryClient, type RegistryClientOptions, type RegistryExchange, type ManifestHead, type ManifestBytes } from './registry-client';
export { digestOf } from './manifests';
export {
  parseManifest,
  isNonDistributable,
  DEFAULT_MANIFEST_LIMITS,
  type Descriptor,
  type ManifestDocument,
  type ManifestLimits,
} from './manifest-document';
export { repositoryLister } from './catalog/repository-lister';
export {
  RepositorySourceType,
  type RepositorySource,
  type RepositoryLister,
  type RepositoryListerOptions,
  type RepositoryPage,
  type ListPageOptions,
} from './catalog/repository-source';
