import { BlockList } from 'node:net';
import { ipFamily } from './host-literal';

type Range = [network: string, prefix: number, reason: string];

/** Addresses Ferry does not dial unless allowlisted, most specific first, each with its reason. */
const IPV4_RANGES: Range[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private (shared address space, CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'private (IETF protocol assignments)'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'private (benchmarking)'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
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

/** An IPv6 literal's 8 groups; the input has passed `ipFamily() === 6` and has no zone. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    // `::ffff:1.2.3.4`: the dotted tail as two hex groups.
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

/**
 * The IPv4 address an IPv6 address carries, or null: IPv4-mapped (`::ffff:a.b.c.d`),
 * IPv4-compatible (`::a.b.c.d`, deprecated), NAT64 (`64:ff9b::/96`) or 6to4 (`2002::/16`).
 */
export function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address.split('%')[0]!);
  if (g.length !== 8) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && g[5] === 0xffff) return v4(g[6]!, g[7]!);
  if (zero(0, 6) && (g[6] !== 0 || g[7]! > 1)) return v4(g[6]!, g[7]!); // not :: or ::1
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return v4(g[6]!, g[7]!);
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!);
  return null;
}

/**
 * Why Ferry may not dial an IP address unless it is allowlisted ("loopback", "private",
 * "link-local", "unspecified", "multicast", ...), or null for a public address. An IPv6 address
 * that carries an IPv4 address is judged by that address too. Not for host names (TypeError).
 */
export function forbiddenAddressReason(address: string): string | null {
  const family = ipFamily(address);
  if (family === 4) return V4.find(([list]) => list.check(address, 'ipv4'))?.[1] ?? null;
  if (family === 6) {
    const bare = address.split('%')[0]!;
    const v6 = V6.find(([list]) => list.check(bare, 'ipv6'))?.[1];
    if (v6) return v6;
    const v4 = embeddedIpv4(bare);
    return v4 === null ? null : forbiddenAddressReason(v4);
  }
  throw new TypeError(`not an IP address: ${address}`);
}
