import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { isForbiddenAddress } from './upstream-allowed';
import { RegistryError, RegistryErrorCode } from './registry-error';

/** Whether `hostname` (or `hostname:port`) is in an allowlist of hosts. */
export function hostAllowed(hostname: string, port: number | string | undefined, allowedHosts: readonly string[]): boolean {
  const name = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return allowedHosts.some((h) => {
    const entry = h.trim().toLowerCase();
    return entry === name || entry === `${name}:${port}` || entry === `[${name}]:${port}`;
  });
}

function notAllowed(hostname: string, address: string): RegistryError {
  return new RegistryError(
    RegistryErrorCode.UpstreamNotAllowed,
    `connection to ${hostname}${address === hostname ? '' : ` (${address})`} refused: a loopback, private or link-local address that is not in the allowed hosts`,
  );
}

/**
 * What a new connection to `hostname:port` may do: `allowed` (allowlisted: connect as usual),
 * an error (an IP literal that is forbidden), or `check` (resolve with {@link guardedLookup}).
 */
export function connectionAllowed(hostname: string, port: number | string | undefined, allowedHosts: readonly string[]): 'allowed' | 'check' | RegistryError {
  if (hostAllowed(hostname, port, allowedHosts)) return 'allowed';
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return isForbiddenAddress(bare) ? notAllowed(hostname, bare) : 'allowed';
  return 'check';
}

/**
 * A `lookup` for `net.connect` that resolves as usual and fails when any resolved address is
 * forbidden: the address checked is the address connected to (no DNS-rebinding window).
 */
export function guardedLookup(resolve: LookupFunction = dnsLookup as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = (Array.isArray(addresses) ? addresses : [{ address: String(addresses), family: 4 }]) as LookupAddress[];
      const bad = list.find((a) => isForbiddenAddress(a.address));
      if (bad) return callback(notAllowed(hostname, bad.address) as unknown as NodeJS.ErrnoException, '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
