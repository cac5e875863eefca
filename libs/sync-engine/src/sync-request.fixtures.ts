import { globTagRule } from '@ferry/contracts';
import type { SyncRequest } from './sync-request';

/** The target registry of a test: `@ferry/testing`'s `RunningRegistry` fits (this file ships, and may not import it). */
interface TestTarget {
  url: string;
  caCertificate?: string;
}

/**
 * A request for the integration tests: every tag of a loopback upstream into `target`, with quick
 * retries (tests that inject faults pass their own `retry`).
 */
export function testSyncRequest<T extends TestTarget>(
  upstreamHost: string,
  upstreamRepo: string,
  target: T,
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
