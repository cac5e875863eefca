import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { metricsRegistry, exposeMetrics, REGISTRY_REQUEST_METRICS, RUN_METRICS } from '@ferry/metrics';
import type { RegistryExchange } from '@ferry/registry-client';
import type { BlobCopyRecord } from '@ferry/sync-engine';
import { RunMeter } from './run-meter';
import { meterTagResult } from './run-report';

exposeMetrics([...REGISTRY_REQUEST_METRICS, ...RUN_METRICS]);

/** The value of one series of a metric this process exposes (0 when absent). */
async function value(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric(name)!.get();
  return metric.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
}

let clock = 1_000_000;
const exchange = (url: string, status: number | null, errorCode?: string): RegistryExchange => ({ method: 'GET', url, status, startedAt: (clock += 100), durationMs: 5, ...(errorCode ? { errorCode } : {}) });
const progress = (bytesCopied: number, tagsDone = 0) => ({ tagsDone, tagsTotal: 1, bytesCopied, bytesTotal: 3_000 });
const blob = (outcome: BlobCopyRecord['outcome']): BlobCopyRecord => ({ digest: `sha256:${'a'.repeat(64)}`, size: 10, outcome, bytesUploaded: 10, retries: 0, startedAt: clock, durationMs: 1 });

describe('a run\'s meter', () => {
  it('counts each request by registry, method and status, and a request sent again after a 503 as one retry', async () => {
    const hooks = new RunMeter().alongside({});
    const url = 'http://one.example:5000/v2/app/manifests/v1';
    const before = await value('ferry_registry_request_retries_total', { registry: 'one.example:5000' });
    hooks.onExchange('upstream', exchange(url, 503));
    hooks.onExchange('upstream', exchange(url, 200));
    hooks.onExchange('upstream', exchange(url, 200));
    assert.equal(await value('ferry_registry_request_retries_total', { registry: 'one.example:5000' }), before + 1);
    assert.equal(await value('ferry_registry_requests_total', { registry: 'one.example:5000', method: 'GET', status: '503' }), 1);
    assert.equal(await value('ferry_registry_requests_total', { registry: 'one.example:5000', method: 'GET', status: '200' }), 2);
  });

  it('counts a request without an answer as status error, and its repeat as a retry when the registry was unreachable', async () => {
    const hooks = new RunMeter().alongside({});
    const url = 'http://two.example/v2/app/tags/list?n=1000';
    hooks.onExchange('upstream', exchange(url, null, 'UPSTREAM_UNREACHABLE'));
    hooks.onExchange('upstream', exchange(url, 200));
    assert.equal(await value('ferry_registry_requests_total', { registry: 'two.example', status: 'error' }), 1);
    assert.equal(await value('ferry_registry_request_retries_total', { registry: 'two.example' }), 1);
  });

  it('does not take another run\'s request, or a request after a 404 or a cancel, for a retry', async () => {
    const url = 'http://three.example/v2/app/manifests/v1';
    new RunMeter().alongside({}).onExchange('upstream', exchange(url, 503));
    const next = new RunMeter().alongside({});
    next.onExchange('upstream', exchange(url, 200));
    next.onExchange('upstream', exchange(`${url}x`, 404));
    next.onExchange('upstream', exchange(`${url}x`, 200));
    next.onExchange('upstream', exchange(`${url}y`, null, 'CANCELLED'));
    next.onExchange('upstream', exchange(`${url}y`, 200));
    assert.equal(await value('ferry_registry_request_retries_total', { registry: 'three.example' }), 0);
  });

  it('counts the blobs the target took (uploaded, mounted), not those it held, and passes every call on to the hooks it goes alongside', async () => {
    const seen: string[] = [];
    const hooks = new RunMeter().alongside({ onBlob: (r) => void seen.push(r.outcome), onExchange: (side) => void seen.push(side), aroundTag: <T>(_tag: string, work: () => Promise<T>) => work() });
    assert.equal(typeof hooks.aroundTag, 'function');
    const [uploaded, mounted] = [await value('ferry_blobs_copied_total', { how: 'uploaded' }), await value('ferry_blobs_copied_total', { how: 'mounted' })];
    for (const outcome of ['uploaded', 'mounted', 'skipped', 'failed'] as const) hooks.onBlob(blob(outcome));
    hooks.onExchange('target', exchange('http://four.example/v2/', 200));
    assert.deepEqual(seen, ['uploaded', 'mounted', 'skipped', 'failed', 'target']);
    assert.equal(await value('ferry_blobs_copied_total', { how: 'uploaded' }), uploaded + 1);
    assert.equal(await value('ferry_blobs_copied_total', { how: 'mounted' }), mounted + 1);
  });

  it('counts the run\'s bytes as its progress reports them, not again as its tag ends, and passes the progress on to the board', async () => {
    const board: number[] = [];
    const hooks = new RunMeter().alongside({ onProgress: (p) => void board.push(p.bytesCopied) });
    const before = await value('ferry_bytes_copied_total', {});
    const counted: number[] = [];
    for (const p of [progress(1_000), progress(2_500), progress(3_000), progress(3_000, 1)]) {
      hooks.onProgress(p);
      counted.push((await value('ferry_bytes_copied_total', {})) - before);
    }
    assert.deepEqual(counted, [1_000, 2_500, 3_000, 3_000]);
    assert.deepEqual(board, [1_000, 2_500, 3_000, 3_000]);
    meterTagResult({ kind: 'synced', tag: 'v1', digest: 'sha256:1', sourceDigest: 'sha256:1', copyProfile: '', mediaType: '', bytesCopied: 3_000, unchanged: false });
    assert.equal(await value('ferry_bytes_copied_total', {}), before + 3_000);
    // The next run on this worker reports from 0 again, and adds its own bytes.
    new RunMeter().alongside({}).onProgress(progress(500));
    assert.equal(await value('ferry_bytes_copied_total', {}), before + 3_500);
  });
});
