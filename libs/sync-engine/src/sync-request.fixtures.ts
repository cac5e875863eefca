import { globTagRule } from '@ferry/contracts';
import type { RunningRegistry } from '@ferry/testing';
import type { SyncRequest } from './sync-request';

/**
 * A request for the integration tests: every tag of a loopback upstream into `target`, with quick
 * retries (tests that inject faults pass their own `retry`).
 */
export function testSyncRequest(
  upstreamHost: string,
  upstreamRepo: string,
  target: RunningRegistry,
  targetRepo: string,
  extra: Partial<SyncRequest> = {},
): SyncRequest {
  return {
    upstream: { reference: `${upstreamHost}/${upstreamRepo}`, verifyTls: false },
    target: { registryUrl: target.url, repository: targetRepo, ...(target.caCertificate ? { caBundle: target.caCertificate } : {}) },
    tagRule: globTagRule(['*']),
    timeoutSeconds: 30,
    ssrfAllowedHosts: ['127.0.0.1'],
    retry: { maxAttempts: 3, baseMs: 10, maxMs: 50 },
    ...extra,
  };
}
