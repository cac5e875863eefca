import { isIPv4, isIPv6 } from 'node:net';

/**
 * `net.isIP`: 4, 6, or 0 for text that is no IP address. Text with fewer than two colons is no IPv6
 * address, and is answered without Node's IPv6 pattern, whose first two uses cost ~10 ms of CPU.
 * `ferry sync` from a registry named by its IP address (`10.0.0.5:5000`) then never compiles it;
 * a host name compiles it anyway, in Node's own connect.
 */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (isIPv4(text)) return 4;
  return text.indexOf(':') !== text.lastIndexOf(':') && isIPv6(text) ? 6 : 0;
}

/** A host without the brackets of an IPv6 literal (`[::1]` becomes `::1`); anything else unchanged. */
export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Whether `text` (the inside of `[...]`) is an IPv6 address as an image reference may write it:
 * hex groups and colons that `net.isIPv6` accepts. Dotted IPv4 tails (`::127.0.0.1`,
 * `::ffff:10.0.0.1`) and zone ids are refused, as distribution/reference refuses them.
 */
export function isIpv6Literal(text: string): boolean {
  return /^[0-9A-Fa-f:]+$/.test(text) && isIPv6(text);
}

/**
 * Splits `host[:port]` (`[v6]:port` for IPv6), or answers null when it is malformed: a bracketed
 * host that is not an {@link isIpv6Literal}, a colon in a name, or a port outside 1-65535.
 */
export function splitHostPort(text: string): { host: string; port: number | undefined } | null {
  const parts = /^(?:\[([^\]]*)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(text);
  if (!parts) return null;
  const [, bracketed, name, digits] = parts;
  if (bracketed !== undefined && !isIpv6Literal(bracketed)) return null;
  const port = digits === undefined ? undefined : Number(digits);
  if (port !== undefined && (port < 1 || port > 65535)) return null;
  return { host: bracketed ?? name!, port };
}
