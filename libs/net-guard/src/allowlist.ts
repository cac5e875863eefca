import { BlockList } from 'node:net';
import { ipFamily, splitHostPort, unbracket } from './host-literal';

const familyOf = (address: string): 'ipv4' | 'ipv6' => (ipFamily(address) === 4 ? 'ipv4' : 'ipv6');
/** A name lower-cased without its root dot; an IPv6 address in its canonical form, as the URL parser writes it. */
function normalName(host: string): string {
  const address = host.split('%')[0]!;
  if (ipFamily(address) === 6) return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  return host.toLowerCase().replace(/\.$/, '');
}

/**
 * The hosts an operator lets Ferry dial although they are on private addresses
 * (`FERRY_SSRF_ALLOWED_HOSTS`, `FERRY_NOTIFICATION_ALLOWED_HOSTS`). Entries, case-insensitive:
 * - a host name (`registry.internal`): that name on any port, whatever it resolves to;
 * - `host:port` (`registry.internal:5000`, `10.0.0.5:5000`, `[fd00::5]:5000`): that host on that port only;
 * - an IP address (`10.0.0.5`, `fd00::5`, `[fd00::5]`): that address, dialled directly or as
 *   the address a name resolves to;
 * - a CIDR range (`10.0.0.0/8`, `fd00::/8`): every address inside it.
 * An entry that is none of these (a bad prefix length, a malformed port) admits nothing.
 */
export class Allowlist {
  private readonly names = new Set<string>();
  /** `host port`, the host without brackets. */
  private readonly hostPorts = new Set<string>();
  private readonly addresses = new BlockList();

  /** `portsIgnored`: see {@link ignoringPorts}. */
  constructor(
    private readonly entries: readonly string[],
    private readonly portsIgnored = false,
  ) {
    for (const raw of entries) this.add(raw.trim().toLowerCase());
  }

  private add(entry: string): void {
    if (!entry) return;
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    if (cidr) {
      const network = unbracket(cidr[1]!);
      const prefix = Number(cidr[2]);
      const family = ipFamily(network);
      if (family !== 0 && prefix <= (family === 4 ? 32 : 128)) this.addresses.addSubnet(network, prefix, familyOf(network));
      return;
    }
    const address = unbracket(entry).split('%')[0]!;
    if (ipFamily(address)) {
      this.addresses.addAddress(address, familyOf(address));
      return;
    }
    const split = splitHostPort(entry);
    if (!split) return;
    if (split.port === undefined || this.portsIgnored) this.names.add(normalName(split.host));
    else this.hostPorts.add(`${normalName(split.host)} ${split.port}`);
  }

  /**
   * Whether `host` (a name, or an IP literal with or without brackets) on `port` is listed: by
   * name, as `host:port`, or, for an IP literal, by address or range. Without a port only entries
   * without one count.
   */
  allowsHost(host: string, port?: number | string): boolean {
    const bare = unbracket(host);
    const name = normalName(bare);
    if (this.names.has(name)) return true;
    if (port !== undefined && port !== '' && this.hostPorts.has(`${name} ${Number(port)}`)) return true;
    return this.allowsAddress(bare);
  }

  /**
   * This allowlist with each `host:port` entry admitting its host on every port: for a check
   * that sees no port (a bare `lookup`) once the port was checked with {@link allowsHost}.
   */
  ignoringPorts(): Allowlist {
    return new Allowlist(this.entries, true);
  }

  /** Whether an IP address is listed, itself or inside a range. */
  allowsAddress(address: string): boolean {
    const bare = unbracket(address).split('%')[0]!;
    return ipFamily(bare) !== 0 && this.addresses.check(bare, familyOf(bare));
  }
}
