import type { OrgMirrorConfig } from '@ferry/contracts';
import { repositoryLister, type RepositoryLister } from '@ferry/registry-client';
import { listingSource } from '@ferry/mirror';

/** One page at a time of an upstream namespace's repositories (the registry client's lister): a discovery holds one page, never the whole listing. */
export type PageLister = Pick<RepositoryLister, 'listPage' | 'close'>;

/** Opens a lister on an organization mirror's upstream with its (opened) password; `signal` aborts its requests. */
export type OpenPageLister = (config: OrgMirrorConfig, password: string | null, signal: AbortSignal) => PageLister;

/**
 * The registry client's lister for an organization mirror's upstream: its registry type, URL,
 * namespace, TLS and proxy settings and credentials, behind the same address guard as a mirror's
 * upstream (`FERRY_SSRF_ALLOWED_HOSTS`), each request bounded by the mirror's `skopeo_timeout`.
 */
export function upstreamListers(settings: { ssrfAllowedHosts: readonly string[] }): OpenPageLister {
  return (config, password, signal) =>
    repositoryLister(
      {
        ...listingSource(config),
        ...(config.externalRegistryUsername || password ? { credentials: { username: config.externalRegistryUsername ?? '', password: password ?? '' } } : {}),
      },
      { addressGuard: { allowedHosts: settings.ssrfAllowedHosts }, timeoutMs: Math.max(1, config.skopeoTimeout) * 1000, signal },
    );
}
