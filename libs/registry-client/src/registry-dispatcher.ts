import type { Dispatcher, buildConnector as BuildConnector } from 'undici';
import type { LookupFunction } from 'node:net';
import { guardedLookup, connectionAllowed } from './address-guard';
import { createProxyRouter } from './proxy-router';
import { loadAgent, loadBuildConnector, loadProxyAgent, loadRedirectInterceptor } from './undici-parts';

/** Proxy settings of one mirror, as Quay stores them. */
export interface ProxySettings {
  httpProxy: string | null;
  httpsProxy: string | null;
  noProxy: string | null;
}

/** How to connect to one registry. */
export interface DispatcherOptions {
  /** false accepts any certificate (and lets the client fall back to plain http). */
  verifyTls: boolean;
  /** PEM bundle of extra CAs to trust. */
  caBundle?: string;
  proxy?: ProxySettings;
  /** Connections (hence concurrent requests) per origin: the per-host limit. */
  connectionsPerHost?: number;
  /**
   * SSRF pinning for an upstream: every direct connection checks the address it is about to
   * connect to (after DNS, so a name that resolved to a public address when the mirror was
   * checked cannot be re-pointed at a private one later, and a redirect cannot lead there
   * either) and refuses loopback, private and link-local addresses unless the host is in
   * `allowedHosts` (`name` or `name:port`). Connections through a configured proxy are the
   * proxy's to resolve. Absent: no check (the target registry is the operator's own).
   */
  addressGuard?: { allowedHosts: readonly string[]; lookup?: LookupFunction };
}

type Connector = ReturnType<typeof BuildConnector>;

/** A connector that applies the address guard on every new connection. */
function guardedConnector(buildConnector: typeof BuildConnector, tls: Record<string, unknown>, guard: NonNullable<DispatcherOptions['addressGuard']>): Connector {
  const plain = buildConnector({ ...tls, ...(guard.lookup ? { lookup: guard.lookup } : {}) });
  const checked = buildConnector({ ...tls, lookup: guardedLookup(guard.lookup) });
  return (opts, callback) => {
    const verdict = connectionAllowed(opts.hostname, opts.port, guard.allowedHosts);
    if (verdict === 'allowed') return plain(opts, callback);
    if (verdict instanceof Error) {
      // The connector contract is a callback; a throw here would escape the request's error path.
      queueMicrotask(() => callback(verdict, null));
      return;
    }
    return checked(opts, callback);
  };
}

/**
 * An undici dispatcher with keep-alive connection pooling, the mirror's TLS and proxy settings,
 * and redirects followed (blob GETs often redirect to storage; undici drops the Authorization
 * header when the origin changes). No proxy unless configured: the environment is not read.
 */
export function createRegistryDispatcher(opts: DispatcherOptions): Dispatcher {
  const tls = { rejectUnauthorized: opts.verifyTls, ...(opts.caBundle ? { ca: opts.caBundle } : {}) };
  const connect = opts.addressGuard ? guardedConnector(loadBuildConnector(), tls, opts.addressGuard) : tls;
  const common = {
    connections: opts.connectionsPerHost ?? 8,
    keepAliveTimeout: 30_000,
  };
  const Agent = loadAgent();
  const direct: Dispatcher = new Agent({ ...common, connect });
  const proxy = opts.proxy;
  let base: Dispatcher = direct;
  if (proxy && (proxy.httpProxy || proxy.httpsProxy)) {
    const ProxyAgent = loadProxyAgent();
    const through = (uri: string | null): Dispatcher | null =>
      // proxyTunnel false: plain http goes as absolute-URI requests (many proxies refuse CONNECT
      // to non-TLS ports); https always goes through a CONNECT tunnel.
      uri ? new ProxyAgent({ ...common, uri, requestTls: tls, proxyTunnel: false } as ConstructorParameters<typeof ProxyAgent>[0]) : null;
    base = createProxyRouter({ direct, http: through(proxy.httpProxy), https: through(proxy.httpsProxy), noProxy: proxy.noProxy });
  }
  return base.compose(loadRedirectInterceptor()({ maxRedirections: 5 }));
}
