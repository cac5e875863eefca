import type { Dispatcher } from 'undici';
import type { LookupFunction } from 'node:net';
import { guardedConnector, guardedLookup, screenHost, type AddressGuard } from '@ferry/net-guard';
import { upstreamGuard } from './address-guard';
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
   * SSRF pinning for an upstream (see `upstreamGuard`): every direct connection, to the registry,
   * its token realm or a redirect's target, checks the address it is about to connect to (after
   * DNS, so a name that resolved to a public address when the mirror was checked cannot be
   * re-pointed at a private one later) and refuses loopback, private and link-local addresses
   * unless `allowedHosts` admits them. A proxy is checked the same way when it is dialled; what
   * goes through it is refused only for a forbidden IP literal (names are the proxy's to
   * resolve). `lookup` replaces DNS (tests). Absent: no check (the target registry is the
   * operator's own).
   */
  addressGuard?: { allowedHosts: readonly string[]; lookup?: LookupFunction };
}

const defaultPort = (protocol: string): number => (protocol === 'https:' ? 443 : 80);

/**
 * In front of a proxy: fails a request before it is sent when the proxy itself is refused, or
 * when its origin is a forbidden IP literal (`https://169.254.169.254/` as a token realm).
 */
function screenProxied(proxyRefusal: Error | null, guard: AddressGuard): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const origin = new URL(String(opts.origin));
    const verdict = proxyRefusal ?? screenHost(origin.hostname, origin.port || defaultPort(origin.protocol), guard);
    if (!(verdict instanceof Error)) return dispatch(opts, handler);
    // Composed handlers take the new API; undici's own interceptors fail a request this way.
    queueMicrotask(() => handler.onResponseError?.(null as unknown as Dispatcher.DispatchController, verdict));
    return true;
  };
}

/**
 * An undici dispatcher with keep-alive connection pooling, the mirror's TLS and proxy settings,
 * and redirects followed (blob GETs often redirect to storage; undici drops the Authorization
 * header when the origin changes). No proxy unless configured: the environment is not read.
 */
export function createRegistryDispatcher(opts: DispatcherOptions): Dispatcher {
  // Unverified, a connection never consults a trust store: an empty one spares loading Node's root
  // certificates into the first TLS context (~9 ms of CPU), such as the https probe of an upstream
  // with --src-tls-verify=false.
  const trust = opts.caBundle ? { ca: opts.caBundle } : opts.verifyTls ? {} : { ca: [] };
  const tls = { rejectUnauthorized: opts.verifyTls, ...trust };
  const pin = opts.addressGuard;
  const guard = pin && upstreamGuard(pin.allowedHosts);
  const buildConnector = loadBuildConnector();
  const connect = guard ? guardedConnector((lookup) => buildConnector({ ...tls, ...(lookup ? { lookup } : {}) }), guard, pin.lookup) : tls;
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
    const through = (uri: string | null): Dispatcher | null => {
      if (!uri) return null;
      const url = new URL(uri);
      const proxyGuard = pin && upstreamGuard(pin.allowedHosts, 'proxy');
      const verdict = proxyGuard ? screenHost(url.hostname, url.port || defaultPort(url.protocol), proxyGuard) : 'allowed';
      const lookup = verdict === 'resolve' ? guardedLookup(proxyGuard!, pin?.lookup) : pin?.lookup;
      // proxyTunnel false: plain http goes as absolute-URI requests (many proxies refuse CONNECT
      // to non-TLS ports); https always goes through a CONNECT tunnel.
      const agent = new ProxyAgent({ ...common, uri, requestTls: tls, proxyTls: lookup ? { lookup } : {}, proxyTunnel: false } as ConstructorParameters<typeof ProxyAgent>[0]);
      return guard ? agent.compose(screenProxied(verdict instanceof Error ? verdict : null, guard)) : agent;
    };
    base = createProxyRouter({ direct, http: through(proxy.httpProxy), https: through(proxy.httpsProxy), noProxy: proxy.noProxy });
  }
  return base.compose(loadRedirectInterceptor()({ maxRedirections: 5 }));
}
