import { Allowlist, assertHostAllowed, type AddressGuard } from '@ferry/net-guard';
import { parseRepositoryReference } from './repository-reference';
import { RegistryError, RegistryErrorCode } from './registry-error';

/**
 * The private-address rule for everything an upstream makes Ferry dial (the registry, its token
 * realm, its redirects, the mirror's proxies): loopback, private, link-local and the like are
 * refused with `UPSTREAM_NOT_ALLOWED` unless `allowedHosts` (`FERRY_SSRF_ALLOWED_HOSTS`: names,
 * `host:port`, IPs, CIDRs) lists them. `what` names the dialled thing in the message.
 */
export function upstreamGuard(allowedHosts: readonly string[], what = 'upstream host'): AddressGuard {
  return {
    allowlist: new Allowlist(allowedHosts),
    refuse: (host, address, reason) =>
      new RegistryError(
        RegistryErrorCode.UpstreamNotAllowed,
        `${what} ${host} ${address === host ? 'is' : `resolves to ${address}, which is`} a ${reason} address and is not in the allowed hosts`,
      ),
  };
}

async function assertAllowed(host: string, port: number | string, guard: AddressGuard): Promise<void> {
  try {
    await assertHostAllowed(host, port, guard);
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw new RegistryError(RegistryErrorCode.Unreachable, `${host} does not resolve`, { retryable: true, cause: error });
  }
}

/**
 * Refuses an upstream whose host is, or resolves to, a loopback, private or link-local address
 * (SSRF), unless {@link upstreamGuard}'s allowlist admits it. Throws a {@link RegistryError} with
 * code `UPSTREAM_NOT_ALLOWED` (or `INVALID_REFERENCE`, or `UPSTREAM_UNREACHABLE` when the name does
 * not resolve); resolves when the upstream may be used. The dispatcher checks again at connect time.
 */
export async function assertUpstreamAllowed(reference: string, allowedHosts: readonly string[]): Promise<void> {
  const ref = parseRepositoryReference(reference);
  await assertAllowed(ref.hostname, ref.port ?? 443, upstreamGuard(allowedHosts));
}

/**
 * Refuses a mirror's `http_proxy` or `https_proxy` on a loopback, private or link-local address
 * unless the same allowlist admits it (enterprise proxies usually are private: list them). Throws
 * `UPSTREAM_NOT_ALLOWED`, `INVALID_REFERENCE` for a URL that is not http(s), or
 * `UPSTREAM_UNREACHABLE` when the name does not resolve here.
 */
export async function assertProxyAllowed(proxyUrl: string, allowedHosts: readonly string[]): Promise<void> {
  const url = URL.canParse(proxyUrl) ? new URL(proxyUrl) : null;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new RegistryError(RegistryErrorCode.InvalidReference, 'proxy must be an http:// or https:// URL');
  }
  await assertAllowed(url.hostname, url.port || (url.protocol === 'https:' ? 443 : 80), upstreamGuard(allowedHosts, 'proxy'));
}
