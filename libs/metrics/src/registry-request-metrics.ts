import { Counter } from 'prom-client';

const requests = new Counter({
  name: 'ferry_registry_requests_total',
  help: 'HTTP requests a sync-worker sent to registries, by registry host, method and status (the HTTP status, or "error" when no answer came).',
  labelNames: ['registry', 'method', 'status'],
  registers: [],
});

const retries = new Counter({
  name: 'ferry_registry_request_retries_total',
  help: 'Registry requests sent again after a transient failure (429, 5xx, a broken connection, a timeout), by registry host.',
  labelNames: ['registry'],
  registers: [],
});

/** What the sync-worker exposes about registry traffic (rate-limit waits are with the run metrics). */
export const REGISTRY_REQUEST_METRICS = [requests, retries];

/** `status`: the HTTP status, or `error` when the request got no answer. */
export function recordRegistryRequest(registry: string, method: string, status: number | 'error'): void {
  requests.inc({ registry, method, status: String(status) });
  // A registry seen is a registry whose retries are worth a zero on the dashboard.
  retries.inc({ registry }, 0);
}

export function recordRegistryRetry(registry: string): void {
  retries.inc({ registry });
}
