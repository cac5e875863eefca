import type { OrgMirrorConfig } from '@ferry/contracts';
import { repositoryLister, type RepositoryLister } from '@ferry/registry-client';

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
        type: config.externalRegistryType,
        url: config.externalRegistryUrl,
        namespace: config.externalNamespace,
        verifyTls: config.externalRegistryConfig.verifyTls,
        proxy: config.externalRegistryConfig.proxy,
        ...(config.externalRegistryUsername || password ? { credentials: { username: config.externalRegistryUsername ?? '', password: password ?? '' } } : {}),
      },
      { addressGuard: { allowedHosts: settings.ssrfAllowedHosts }, timeoutMs: Math.max(1, config.skopeoTimeout) * 1000, signal },
    );
}
