import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { parseRepositoryReference } from './repository-reference';
import { RegistryError, RegistryErrorCode } from './registry-error';

/** Addresses an upstream may not resolve to unless allowlisted: loopback, private, link-local and the like. */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP literal is loopback, private, link-local, unspecified, multicast or reserved. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return FORBIDDEN.check(address, 'ipv4');
  if (family === 6) {
    // IPv4-mapped (::ffff:a.b.c.d) is judged as the IPv4 address it carries.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return FORBIDDEN.check(mapped[1]!, 'ipv4');
    return FORBIDDEN.check(address, 'ipv6');
  }
  return false;
}

/**
 * Refuses an upstream whose host is, or resolves to, a loopback, private or link-local address
 * (SSRF), unless its host (`name` or `name:port`) is in `allowedHosts`. Throws a
 * {@link RegistryError} with code `UPSTREAM_NOT_ALLOWED` (or `INVALID_REFERENCE`, or
 * `UPSTREAM_UNREACHABLE` when the name does not resolve); resolves when the upstream may be used.
 */
export async function assertUpstreamAllowed(reference: string, allowedHosts: readonly string[]): Promise<void> {
  const ref = parseRepositoryReference(reference);
  const allowed = new Set(allowedHosts.map((h) => h.trim().toLowerCase()).filter(Boolean));
  if (allowed.has(ref.hostname) || allowed.has(ref.host)) return;
  let addresses: string[];
  if (isIP(ref.hostname)) {
    addresses = [ref.hostname];
  } else {
    try {
      addresses = (await lookup(ref.hostname, { all: true, verbatim: true })).map((a) => a.address);
    } catch (error) {
      throw new RegistryError(RegistryErrorCode.Unreachable, `upstream host ${ref.hostname} does not resolve`, { retryable: true, cause: error });
    }
  }
  const bad = addresses.find(isForbiddenAddress);
  if (bad !== undefined) {
    throw new RegistryError(
      RegistryErrorCode.UpstreamNotAllowed,
      `upstream host ${ref.hostname} ${bad === ref.hostname ? 'is' : `resolves to ${bad}, which is`} a loopback, private or link-local address and is not in the allowed hosts`,
    );
  }
}
