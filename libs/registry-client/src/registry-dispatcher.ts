import { Agent, EnvHttpProxyAgent, interceptors, type Dispatcher } from 'undici';

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
}

/**
 * An undici dispatcher with keep-alive connection pooling, the mirror's TLS and proxy settings,
 * and redirects followed (blob GETs often redirect to storage; undici drops the Authorization
 * header when the origin changes). No proxy unless configured: the environment is not read.
 */
export function createRegistryDispatcher(opts: DispatcherOptions): Dispatcher {
  const tls = { rejectUnauthorized: opts.verifyTls, ...(opts.caBundle ? { ca: opts.caBundle } : {}) };
  const common = {
    connections: opts.connectionsPerHost ?? 8,
    keepAliveTimeout: 30_000,
    connect: tls,
  };
  const proxy = opts.proxy;
  const base: Dispatcher =
    proxy && (proxy.httpProxy || proxy.httpsProxy)
      ? new EnvHttpProxyAgent({
          ...common,
          requestTls: tls,
          // '' rather than undefined so that undici does not fall back to the process environment.
          httpProxy: proxy.httpProxy ?? '',
          httpsProxy: proxy.httpsProxy ?? proxy.httpProxy ?? '',
          noProxy: proxy.noProxy ?? '',
        })
      : new Agent(common);
  return base.compose(interceptors.redirect({ maxRedirections: 5 }));
}
