import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderMetrics } from '@ferry/metrics';
import type { ConfigReader } from './base-config';
import type { Readiness } from './readiness';

/** Each service's own metrics port by default, so the four run side by side on one host (`npm start`). */
export const DEFAULT_METRICS_PORTS = { 'mirror-config': 9464, scheduler: 9465, 'sync-worker': 9466, notifier: 9467, 'registry-front': 9468 } as const;
export type ServiceName = keyof typeof DEFAULT_METRICS_PORTS;

/** Where a service's metrics port listens: `/metrics`, `/healthz`, `/readyz`. */
export interface MetricsSettings {
  host: string;
  /** 0: a free port the system picks (logged at boot). */
  port: number;
}

/** FERRY_METRICS_PORT (default: the service's own, 9464 to 9467) and FERRY_METRICS_HOST (default 127.0.0.1). */
export function readMetricsSettings(reader: ConfigReader, service: ServiceName): MetricsSettings {
  return {
    host: reader.string('FERRY_METRICS_HOST', '127.0.0.1'),
    port: reader.integer('FERRY_METRICS_PORT', DEFAULT_METRICS_PORTS[service], 0, 65535),
  };
}

export interface OpsServer {
  /** `http://host:port`. */
  readonly url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

/**
 * The metrics port every service serves, beside whatever else it listens on: `GET /metrics`
 * (Prometheus' text format), `GET /healthz` (the process answers) and `GET /readyz` (200 or 503
 * with each check). No sign-in, as probes and scrapers have none: it says which dependency is
 * down and how many mirrors fail, never a secret, and listens on loopback unless told otherwise.
 */
export async function startOpsServer(settings: MetricsSettings, readiness: Readiness): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' && path !== '/healthz' && path !== '/readyz') return send(res, 404, 'text/plain; charset=utf-8', 'not found: /metrics, /healthz and /readyz are served here\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'only GET\n', { allow: 'GET, HEAD' });
    void (async () => {
      if (path === '/healthz') return send(res, 200, 'application/json', JSON.stringify({ status: 'alive' }));
      if (path === '/readyz') {
        const report = await readiness.check();
        return send(res, report.status === 'ready' ? 200 : 503, 'application/json', JSON.stringify(report), report.status === 'ready' ? {} : { 'retry-after': '5' });
      }
      const { contentType, body } = await renderMetrics();
      return send(res, 200, contentType, body);
    })().catch((error: unknown) => send(res, 500, 'text/plain; charset=utf-8', `${(error as Error).message}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`the metrics port cannot listen on ${settings.host}:${settings.port} (FERRY_METRICS_PORT, FERRY_METRICS_HOST): ${error.message}`, { cause: error })));
    server.listen(settings.port, settings.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
