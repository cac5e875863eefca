import Module from 'node:module';
import type { Agent as AgentClass, Dispatcher, ProxyAgent as ProxyAgentClass, buildConnector as BuildConnector } from 'undici';

/*
 * The parts of undici the client uses, loaded one by one. `require('undici')` loads everything
 * (fetch, WebSocket, cookies, caches, mocks; cookies even pulls in Node's own bundled undici),
 * which costs ~150 ms and ~10 MB on every `ferry sync` start: a third of a no-op re-sync.
 * The paths are those of the pinned undici version (package.json); no `exports` map blocks them.
 */

type RequestFunction = (this: Dispatcher, opts: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
type RedirectInterceptorFactory = (opts: { maxRedirections: number }) => Dispatcher.DispatcherComposeInterceptor;

let requestFn: RequestFunction | undefined;

/**
 * `dispatcher.request(opts)` without needing undici's index to have patched `request` onto
 * every dispatcher's prototype. Works with any undici dispatcher.
 */
export function sendRequest(dispatcher: Dispatcher, opts: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  requestFn ??= require('undici/lib/api/api-request.js') as RequestFunction;
  return requestFn.call(dispatcher, opts);
}

export function loadAgent(): typeof AgentClass {
  deferHttp2Client();
  return require('undici/lib/dispatcher/agent.js') as typeof AgentClass;
}

/**
 * undici's Client requires its HTTP/2 half as it loads, and that half requires `node:http2`: ~15 ms
 * of CPU (several times that on a busy machine) on every `ferry sync` start. The client speaks
 * HTTP/1.1 to registries (no dispatcher here sets `allowH2`), so the half is never called; a
 * stand-in in the module cache loads the real one should it ever be.
 */
function deferHttp2Client(): void {
  const path = require.resolve('undici/lib/dispatcher/client-h2.js');
  if (require.cache[path]) return;
  const standIn = new Module(path);
  standIn.filename = path;
  standIn.loaded = true;
  standIn.exports = (...args: unknown[]) => {
    delete require.cache[path];
    return (require(path) as (...a: unknown[]) => unknown)(...args);
  };
  require.cache[path] = standIn;
}

export function loadRedirectInterceptor(): RedirectInterceptorFactory {
  return require('undici/lib/interceptor/redirect.js') as RedirectInterceptorFactory;
}

export function loadBuildConnector(): typeof BuildConnector {
  return require('undici/lib/core/connect.js') as typeof BuildConnector;
}

/**
 * The proxy agent needs undici whole: it calls `connect` on its proxy client, a method undici's
 * index adds to every dispatcher. Only mirrors with a proxy pay for the full load.
 */
export function loadProxyAgent(): typeof ProxyAgentClass {
  return (require('undici') as { ProxyAgent: typeof ProxyAgentClass }).ProxyAgent;
}

/** undici's dispatcher base class (for `compose`). */
export function loadDispatcherClass(): typeof Dispatcher {
  return require('undici/lib/dispatcher/dispatcher.js') as typeof Dispatcher;
}
