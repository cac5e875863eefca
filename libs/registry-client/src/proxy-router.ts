import type { Dispatcher } from 'undici';
import { unbracket } from '@ferry/net-guard';
import { loadDispatcherClass } from './undici-parts';

interface NoProxyEntry {
  hostname: string;
  port: number;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** Reads a `no_proxy` list: `host`, `.domain` or `*.domain` (the domain and its subdomains), `host:port`, `*`. */
export function parseNoProxy(value: string | null | undefined): NoProxyEntry[] {
  return (value ?? '')
    .split(/[,\s]/)
    .filter(Boolean)
    .map((entry) => {
      const parsed = /^(.+):(\d+)$/.exec(entry);
      return { hostname: unbracket((parsed ? parsed[1]! : entry).replace(/^\*?\./, '')).toLowerCase(), port: parsed ? Number(parsed[2]) : 0 };
    });
}

/** Whether a URL is reached directly because of `no_proxy`. */
export function bypassesProxy(url: URL, entries: readonly NoProxyEntry[]): boolean {
  const hostname = unbracket(url.hostname).toLowerCase();
  const port = Number(url.port) || DEFAULT_PORTS[url.protocol] || 0;
  return entries.some(
    (e) => e.hostname === '*' || ((!e.port || e.port === port) && (hostname === e.hostname || hostname.endsWith(`.${e.hostname}`))),
  );
}

/**
 * Sends each request directly or through the proxy for its scheme, as skopeo (Go's
 * `http.ProxyFromEnvironment`) does: `http_proxy` for http, `https_proxy` for https (an
 * unset one means direct, unlike undici's EnvHttpProxyAgent which falls back to the other), and
 * `no_proxy` exempts hosts from both.
 */
export function createProxyRouter(routes: { direct: Dispatcher; http: Dispatcher | null; https: Dispatcher | null; noProxy: string | null }): Dispatcher {
  const DispatcherClass = loadDispatcherClass();
  const entries = parseNoProxy(routes.noProxy);
  const all = [routes.direct, routes.http, routes.https].filter((d): d is Dispatcher => d !== null);
  class ProxyRouter extends DispatcherClass {
    override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      const url = new URL(String(opts.origin));
      const proxied = url.protocol === 'https:' ? routes.https : routes.http;
      const via = proxied && !bypassesProxy(url, entries) ? proxied : routes.direct;
      return via.dispatch(opts, handler);
    }
    override close(): Promise<void>;
    override close(callback: () => void): void;
    override close(callback?: () => void): Promise<void> | void {
      const done = Promise.all(all.map((d) => d.close())).then(() => undefined);
      if (!callback) return done;
      void done.then(callback, callback);
    }
    override destroy(): Promise<void>;
    override destroy(err: Error | null): Promise<void>;
    override destroy(callback: () => void): void;
    override destroy(err: Error | null, callback: () => void): void;
    override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
      const err = typeof a === 'function' ? null : (a ?? null);
      const callback = typeof a === 'function' ? a : b;
      const done = Promise.all(all.map((d) => d.destroy(err))).then(() => undefined);
      if (!callback) return done;
      void done.then(callback, callback);
    }
  }
  return new ProxyRouter();
}
