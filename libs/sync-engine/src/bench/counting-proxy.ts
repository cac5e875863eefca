import { createServer, request as httpRequest, Agent, type Server } from 'node:http';
import { once } from 'node:events';
import { freePort } from '@ferry/testing';

/** A reverse proxy in front of one registry that counts the requests passing through. */
export interface CountingProxy {
  /** `127.0.0.1:<port>` to hand to the tools instead of the registry's own. */
  host: string;
  url: string;
  requests: number;
  reset(): void;
  stop(): Promise<void>;
}

/**
 * Counts what each tool asks of a registry. The Host header is passed through unchanged, so the
 * registry builds upload locations that point back at the proxy.
 */
export async function startCountingProxy(backendHost: string): Promise<CountingProxy> {
  const [backendHostname, backendPort] = backendHost.split(':') as [string, string];
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const port = await freePort();
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    const upstream = httpRequest(
      { host: backendHostname, port: Number(backendPort), method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 30_000;
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    reset() {
      state.requests = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  } as CountingProxy;
}
