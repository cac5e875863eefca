import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** What went through a {@link ForwardProxy}: a CONNECT tunnel or a forwarded plain-http request. */
export interface ProxiedRequest {
  kind: 'connect' | 'forward';
  /** `host:port` the client asked for. */
  target: string;
  /** The request line's method (`CONNECT` for tunnels). */
  method: string;
}

/** A forward proxy as corporate networks run them, on a free loopback port. */
export interface ForwardProxy {
  /** `http://127.0.0.1:<port>`, for `http_proxy` / `https_proxy`. */
  url: string;
  /** Every tunnel opened and every request forwarded, in order. */
  readonly requests: readonly ProxiedRequest[];
  /** The `host:port` targets seen (tunnels and forwarded requests). */
  targets(): Set<string>;
  stop(): Promise<void>;
}

/**
 * Starts a forward proxy: `CONNECT host:port` opens a TCP tunnel (https through a proxy), and a
 * request with an absolute URI (`GET http://host:port/path`) is forwarded (plain http through a
 * proxy). It records what passed, so a test can tell proxied traffic from direct traffic.
 */
export async function startForwardProxy(): Promise<ForwardProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URI required');
      return;
    }
    requests.push({ kind: 'forward', target: target.host, method: req.method ?? '' });
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const out = httpRequest(
      { host: target.hostname, port: Number(target.port || 80), method: req.method, path: `${target.pathname}${target.search}`, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    requests.push({ kind: 'connect', target, method: 'CONNECT' });
    const colon = target.lastIndexOf(':');
    const upstream = connect(Number(target.slice(colon + 1)), target.slice(0, colon).replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    sockets.add(client);
    const close = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', () => {
      if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      close();
    });
    client.on('error', close);
    upstream.on('close', () => sockets.delete(upstream));
    client.on('close', () => sockets.delete(client));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    targets: () => new Set(requests.map((r) => r.target)),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
