import { lookup } from 'node:dns/promises';
import type { Allowlist } from './allowlist';
import { forbiddenAddressReason } from './forbidden-address';
import { ipFamily, unbracket } from './host-literal';

/**
 * The error for a refused host, made by each caller so it keeps its own code
 * (`UPSTREAM_NOT_ALLOWED`, `RECEIVER_NOT_ALLOWED`): `address` is the host itself for an IP
 * literal, else the address it resolved to; `reason` comes from {@link forbiddenAddressReason}.
 */
export type Refuse = (host: string, address: string, reason: string) => Error;

/** The private-address rule as one caller applies it: its allowlist and its error. */
export interface AddressGuard {
  readonly allowlist: Allowlist;
  readonly refuse: Refuse;
}

/** Resolves a host name to all its addresses; swappable in tests. */
export type HostResolver = (hostname: string) => Promise<Array<{ address: string }>>;

const systemResolver: HostResolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * What dialling `host` on `port` may do, decided before any DNS: `allowed` (allowlisted, or a
 * public IP literal), the refusal (a forbidden IP literal), or `resolve` (a name: its addresses
 * decide, see {@link refusalOf}).
 */
export function screenHost(host: string, port: number | string | undefined, guard: AddressGuard): 'allowed' | 'resolve' | Error {
  if (guard.allowlist.allowsHost(host, port)) return 'allowed';
  const bare = unbracket(host);
  if (ipFamily(bare) === 0) return 'resolve';
  const reason = forbiddenAddressReason(bare);
  return reason ? guard.refuse(bare, bare, reason) : 'allowed';
}

/** The refusal for the first of the addresses `host` resolved to that is forbidden and not allowlisted, or null. */
export function refusalOf(host: string, addresses: readonly string[], guard: AddressGuard): Error | null {
  for (const address of addresses) {
    const reason = forbiddenAddressReason(address);
    if (reason && !guard.allowlist.allowsAddress(address)) return guard.refuse(host, address, reason);
  }
  return null;
}

/**
 * Throws the guard's refusal when `host` is, or resolves to, a forbidden address that is not
 * allowlisted; resolves when it may be dialled. A DNS failure propagates unchanged (each caller
 * has its own "unreachable"). A check before the connection: it does not stop DNS rebinding, the
 * {@link guardedLookup} at connect time does.
 */
export async function assertHostAllowed(
  host: string,
  port: number | string | undefined,
  guard: AddressGuard,
  resolve: HostResolver = systemResolver,
): Promise<void> {
  const verdict = screenHost(host, port, guard);
  if (verdict instanceof Error) throw verdict;
  if (verdict === 'allowed') return;
  const name = unbracket(host);
  const refusal = refusalOf(name, (await resolve(name)).map((a) => a.address), guard);
  if (refusal) throw refusal;
}
