import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { lookup as dnsLookupAsync } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DeliveryErrorCode, NotificationDeliveryError, ReceiverNotAllowedError } from './notification-errors';

type Range = [network: string, prefix: number, reason: string];

const IPV4_RANGES: Range[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private (shared address space)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'private (IETF protocol assignments)'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'private (benchmarking)'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];
const IPV6_RANGES: Range[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'private (unique local)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private (site-local)'],
  ['ff00::', 8, 'multicast'],
];

function rangeList(ranges: Range[], family: 'ipv4' | 'ipv6'): Array<[BlockList, string]> {
  return ranges.map(([network, prefix, reason]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return [list, reason];
  });
}
const V4 = rangeList(IPV4_RANGES, 'ipv4');
const V6 = rangeList(IPV6_RANGES, 'ipv6');

/** Expands an IPv6 literal to its 8 groups; the input has already passed `isIP() === 6`. */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0]!.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    // `::ffff:1.2.3.4`: rewrite the dotted tail as two hex groups.
    const b = last.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const gap = text.indexOf('::');
  if (gap < 0) return parse(text);
  const head = parse(text.slice(0, gap));
  const tail = parse(text.slice(gap + 2));
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** The IPv4 address an IPv6 address carries: IPv4-mapped, IPv4-compatible, NAT64 or 6to4. */
function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  if (g.length !== 8) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && g[5] === 0xffff) return v4(g[6]!, g[7]!); // ::ffff:a.b.c.d
  if (zero(0, 6) && (g[6] !== 0 || g[7]! > 1)) return v4(g[6]!, g[7]!); // ::a.b.c.d (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return v4(g[6]!, g[7]!); // 64:ff9b::/96
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!); // 6to4
  return null;
}

/**
 * Why an IP address may not receive notifications ("loopback", "private", "link-local",
 * "unspecified", ...), or null when it is a public address. Not for host names.
 */
export function blockedAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return V4.find(([list]) => list.check(address, 'ipv4'))?.[1] ?? null;
  if (family === 6) {
    const bare = address.split('%')[0]!;
    const v6 = V6.find(([list]) => list.check(bare, 'ipv6'))?.[1];
    if (v6) return v6;
    const v4 = embeddedIpv4(bare);
    return v4 === null ? null : blockedAddressReason(v4);
  }
  throw new TypeError(`not an IP address: ${address}`);
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * An allowlist: exact host names (case-insensitive), IP addresses, or CIDR ranges
 * (`10.0.0.0/8`, `fd00::/8`).
 */
class Allowlist {
  private readonly names = new Set<string>();
  private readonly ranges = new BlockList();

  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = stripBrackets(raw.trim().toLowerCase());
      const [ip, prefix] = entry.split('/');
      const family = isIP(ip ?? '');
      if (family !== 0 && prefix !== undefined) this.ranges.addSubnet(ip!, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
      else if (family !== 0) this.ranges.addAddress(ip!, family === 4 ? 'ipv4' : 'ipv6');
      else if (entry) this.names.add(entry.replace(/\.$/, ''));
    }
  }

  hasName(host: string): boolean {
    return this.names.has(host.toLowerCase().replace(/\.$/, ''));
  }

  hasAddress(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.ranges.check(address.split('%')[0]!, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** Resolves a host name to all its addresses; swappable in tests. */
export type HostResolver = (hostname: string) => Promise<Array<{ address: string }>>;

const systemResolver: HostResolver = (hostname) => dnsLookupAsync(hostname, { all: true, verbatim: true });

/** Parses a receiver URL: absolute http(s), no userinfo. Throws `RECEIVER_URL_INVALID`. */
export function parseReceiverUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new NotificationDeliveryError(DeliveryErrorCode.ReceiverUrlInvalid, 'receiver URL is not an absolute URL', {
      retryable: false,
      cause,
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new NotificationDeliveryError(DeliveryErrorCode.ReceiverUrlInvalid, `receiver URL scheme ${parsed.protocol} is not http or https`, {
      retryable: false,
    });
  }
  if (parsed.username || parsed.password) {
    throw new NotificationDeliveryError(DeliveryErrorCode.ReceiverUrlInvalid, 'receiver URL must not carry credentials', {
      retryable: false,
    });
  }
  return parsed;
}

/**
 * Refuses a receiver URL whose host is, or resolves to, a loopback, private, link-local,
 * unspecified, multicast or reserved address, unless the host (or the address) is in
 * `allowedHosts`. Throws `ReceiverNotAllowedError` (`RECEIVER_NOT_ALLOWED`), `RECEIVER_URL_INVALID`
 * for a malformed URL, and a retryable `RECEIVER_UNREACHABLE` when the name does not resolve.
 *
 * The WHATWG URL parser has already normalised `0x7f.1`, `2130706433` and friends to dotted
 * IPv4, so literal tricks end up as ordinary addresses here. Resolution at check time does not
 * stop DNS rebinding; the agent from `createReceiverAgent` checks again at connect time.
 */
export async function assertReceiverAllowed(
  url: string,
  allowedHosts: readonly string[],
  resolve: HostResolver = systemResolver,
): Promise<void> {
  const host = stripBrackets(parseReceiverUrl(url).hostname);
  const allow = new Allowlist(allowedHosts);
  if (allow.hasName(host) || allow.hasAddress(host)) return;
  if (isIP(host) !== 0) {
    const reason = blockedAddressReason(host);
    if (reason) throw new ReceiverNotAllowedError(host, host, reason);
    return;
  }
  let addresses: Array<{ address: string }>;
  try {
    addresses = await resolve(host);
  } catch (cause) {
    throw new NotificationDeliveryError(DeliveryErrorCode.ReceiverUnreachable, `receiver ${host} does not resolve`, {
      retryable: true,
      cause,
    });
  }
  for (const { address } of addresses) {
    const reason = blockedAddressReason(address);
    if (reason && !allow.hasAddress(address)) throw new ReceiverNotAllowedError(host, address, reason);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `dns.lookup` replacement for sockets to receivers: it resolves as usual and fails the
 * connection with `ReceiverNotAllowedError` when an address is blocked and not allowlisted. This
 * is the check that holds against DNS rebinding, because it vets the address actually dialled.
 */
export function guardedLookup(allowedHosts: readonly string[]) {
  const allow = new Allowlist(allowedHosts);
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true } as LookupAllOptions, (err, addresses) => {
      if (err) return callback(err, []);
      if (!allow.hasName(hostname)) {
        for (const { address } of addresses) {
          const reason = blockedAddressReason(address);
          if (reason && !allow.hasAddress(address)) {
            return callback(new ReceiverNotAllowedError(hostname, address, reason) as unknown as NodeJS.ErrnoException, []);
          }
        }
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}
