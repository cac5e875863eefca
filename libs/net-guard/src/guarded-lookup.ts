import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { refusalOf, screenHost, type AddressGuard } from './address-guard';

/**
 * A `lookup` for `net.connect` (and undici's `connect` options) that resolves as usual and fails
 * the connection with the guard's refusal when any address is forbidden and not allowlisted. The
 * address checked is the address connected to, so there is no DNS-rebinding window. A name that
 * is allowlisted (without a port) is not checked.
 */
export function guardedLookup(guard: AddressGuard, resolve: LookupFunction = dnsLookup as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = (Array.isArray(addresses) ? addresses : [{ address: String(addresses), family: 4 }]) as LookupAddress[];
      const refusal = guard.allowlist.allowsHost(hostname) ? null : refusalOf(hostname, list.map((a) => a.address), guard);
      if (refusal) return callback(refusal as NodeJS.ErrnoException, '', 0);
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/** The fields of a connection request the guard reads; undici's connector options have them. */
export interface ConnectTarget {
  hostname: string;
  port?: string | number;
  protocol?: string;
}

type Connector<O, C> = (options: O, callback: C) => void;

/**
 * A connector (undici's `connect` function) that applies the guard to every new connection:
 * an allowlisted host connects as usual, a forbidden IP literal fails with the refusal before any
 * socket is opened, and a name connects through {@link guardedLookup}, which checks `host:port`
 * entries here and addresses at lookup. `build(lookup)` makes the plain connector with a `lookup`
 * (`(lookup) => buildConnector({ ...tls, lookup })`); `resolve` replaces DNS in tests.
 */
export function guardedConnector<O extends ConnectTarget, C extends (error: Error, socket: null) => void>(
  build: (lookup: LookupFunction | undefined) => Connector<O, C>,
  guard: AddressGuard,
  resolve?: LookupFunction,
): Connector<O, C> {
  const plain = build(resolve);
  const checked = build(guardedLookup(guard, resolve));
  return (options, callback) => {
    const port = options.port || (options.protocol === 'https:' ? 443 : 80);
    const verdict = screenHost(options.hostname, port, guard);
    if (verdict === 'allowed') return plain(options, callback);
    if (verdict === 'resolve') return checked(options, callback);
    // The connector contract is a callback; a throw here would escape the request's error path.
    queueMicrotask(() => callback(verdict, null));
  };
}
