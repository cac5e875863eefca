import { RegistryError, RegistryErrorCode } from '../registry-error';
import { createRegistryDispatcher } from '../registry-dispatcher';
import { RegistryTransport } from '../registry-transport';
import { distributionCatalog } from './distribution-catalog';
import { dockerHubRepositories } from './docker-hub-repositories';
import { harborRepositories } from './harbor-repositories';
import { quayRepositories } from './quay-repositories';
import { parseSourceUrl } from './source-url';
import type { RepositoryLister, RepositoryListerOptions, RepositorySource, RepositorySourceKind, RepositorySourceType } from './repository-source';

/** Every source kind: adding one is its file and its line here (and its member of `RepositorySourceType`). */
export const REPOSITORY_SOURCE_KINDS: { readonly [T in RepositorySourceType]: RepositorySourceKind } = {
  distribution: distributionCatalog,
  quay: quayRepositories,
  harbor: harborRepositories,
  dockerhub: dockerHubRepositories,
};

export const DEFAULT_PAGE_SIZE = 100;
/** A listing request is small: Quay's own org mirror gives it 30 s. */
const DEFAULT_LISTING_TIMEOUT_MS = 30_000;

/** One path component of a repository name (the OCI distribution spec's rule). */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const ONE_COMPONENT = new RegExp(`^${COMPONENT}$`);
const PATH = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);

/** Why a namespace cannot be listed from this kind of source, or undefined. */
function namespaceProblem(kind: RepositorySourceKind, namespace: string): string | undefined {
  if (namespace === '') return kind.wholeRegistry ? undefined : 'must be given';
  if (kind.wholeRegistry) return PATH.test(namespace) ? undefined : 'must be a repository path (lowercase components separated by /)';
  return ONE_COMPONENT.test(namespace) ? undefined : 'must be one lowercase name (letters and digits separated by . _ or -)';
}

function cappedPageSize(requested: number | undefined, max: number): number {
  if (requested === undefined || !Number.isFinite(requested)) return Math.min(DEFAULT_PAGE_SIZE, max);
  return Math.min(max, Math.max(1, Math.floor(requested)));
}

/**
 * A {@link RepositoryLister} for an organization mirror's upstream. It connects as the sync
 * engine connects to an upstream: the address guard on every connection (the registry, its token
 * realm, redirects, proxies), the source's TLS and proxy settings, the worker's timeouts and
 * retries. Throws `INVALID_REFERENCE` for a source it cannot list (a bad URL or namespace).
 */
export function repositoryLister(source: RepositorySource, options: RepositoryListerOptions): RepositoryLister {
  const kind = Object.hasOwn(REPOSITORY_SOURCE_KINDS, source.type) ? REPOSITORY_SOURCE_KINDS[source.type] : undefined;
  if (!kind) throw new RegistryError(RegistryErrorCode.InvalidReference, `source type ${JSON.stringify(source.type)} is not one of ${Object.keys(REPOSITORY_SOURCE_KINDS).join(', ')}`);
  const problem = namespaceProblem(kind, source.namespace);
  if (problem) throw new RegistryError(RegistryErrorCode.InvalidReference, `the namespace of a ${source.type} source ${problem}`);
  const { url, schemeGiven } = parseSourceUrl(source.url);
  const api = kind.apiUrl?.(url) ?? url;
  const dispatcher = createRegistryDispatcher({
    verifyTls: source.verifyTls,
    ...(source.caBundle ? { caBundle: source.caBundle } : {}),
    ...(source.proxy ? { proxy: source.proxy } : {}),
    connectionsPerHost: options.connectionsPerHost ?? 2,
    addressGuard: options.addressGuard,
  });
  // A bare host is read as the sync engine reads an upstream: https, or either without TLS checks.
  const scheme = schemeGiven || api !== url ? (api.protocol === 'http:' ? 'http' : 'https') : (source.verifyTls ? 'https' : 'auto');
  const transport = new RegistryTransport({
    host: api.host,
    scheme,
    dispatcher,
    ...(kind.registryAuth && source.credentials ? { credentials: source.credentials } : {}),
    timeoutMs: options.timeoutMs ?? DEFAULT_LISTING_TIMEOUT_MS,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    ...(options.onExchange ? { onExchange: options.onExchange } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
  const readPage = kind.open({ transport, namespace: source.namespace, credentials: source.credentials });
  return {
    listPage: (cursor, opts = {}) => readPage(cursor, cappedPageSize(opts.pageSize, kind.maxPageSize)),
    close: () => dispatcher.close(),
  };
}
