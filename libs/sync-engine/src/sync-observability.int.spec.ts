import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { globTagRule } from '@ferry/contracts';
import { pushImage, startRegistry, startShapingProxy, type PushedImage, type RunningRegistry } from '@ferry/testing';
import type { RegistryExchange } from '@ferry/registry-client';
import type { BlobCopyRecord } from './blob-copier';
import { syncRepository } from './sync-repository';
import { testSyncRequest } from './sync-request.fixtures';
import type { SyncProgress } from './sync-request';

/** The distinct blobs (config and layers) of some images, with their sizes. */
function blobSizes(images: PushedImage[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const image of images) {
    const doc = JSON.parse(image.manifest.toString('utf8')) as { config: { digest: string; size: number }; layers: Array<{ digest: string; size: number }> };
    for (const d of [doc.config, ...doc.layers]) sizes.set(d.digest, d.size);
  }
  return sizes;
}

describe('what a run reports as it goes', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  const images: Record<string, PushedImage> = {};

  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    images.a = await pushImage(upstream, 'obs/app', 'a', { mediaType: 'oci', layers: [{ seed: 'obs-shared', size: 300_000 }, { seed: 'obs-a', size: 700_000 }] });
    images.b = await pushImage(upstream, 'obs/app', 'b', { mediaType: 'oci', layers: [{ seed: 'obs-shared', size: 300_000 }, { seed: 'obs-b', size: 500_000 }] });
    images.c = await pushImage(upstream, 'obs/app', 'c', { mediaType: 'docker', layers: [{ seed: 'obs-c', size: 200_000 }] });
  });

  after(async () => {
    await Promise.all([upstream?.stop(), target?.stop()]);
  });

  it('counts bytes up to the bytes it knows it must copy, which end as every distinct blob, and tags up to the total', async () => {
    const seen: SyncProgress[] = [];
    const report = await syncRepository(testSyncRequest(upstream.host, 'obs/app', target, 'obs/first', { onProgress: (p) => void seen.push({ ...p }) }));
    assert.equal(report.results.filter((r) => r.kind === 'synced').length, 3);
    const expected = [...blobSizes(Object.values(images)).values()].reduce((a, b) => a + b, 0);
    assert.ok(seen.length > 3, `${seen.length} progress reports`);
    for (let i = 1; i < seen.length; i++) {
      assert.ok(seen[i]!.bytesCopied >= seen[i - 1]!.bytesCopied, `bytes never go back: ${JSON.stringify(seen.slice(i - 1, i + 1))}`);
      assert.ok(seen[i]!.tagsDone >= seen[i - 1]!.tagsDone, 'tags done never go back');
    }
    for (const p of seen) assert.ok(p.bytesCopied <= p.bytesTotal, `copied ${p.bytesCopied} within the known ${p.bytesTotal}`);
    assert.deepEqual(seen.at(-1), { tagsDone: 3, tagsTotal: 3, bytesCopied: expected, bytesTotal: expected });
    assert.equal(report.bytesCopied, expected);
  });

  it('reports each blob once with its outcome and bytes, and each request with its status, inside the tag it belongs to', async () => {
    // The target holds `a` already: `b` shares a layer with it (skipped), the rest is uploaded.
    await syncRepository(testSyncRequest(upstream.host, 'obs/app', target, 'obs/second', { tagRule: globTagRule(['a']) }));
    // Every blob upload's first PUT fails once with a 503: the transfer is retried.
    let failedPuts = 0;
    const faults = await startShapingProxy(target.url, {
      answer: (req, res) => {
        if (req.method !== 'PUT' || !req.url?.includes('/blobs/uploads/') || failedPuts >= 1) return false;
        failedPuts++;
        req.resume();
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAVAILABLE","message":"injected"}]}');
        return true;
      },
    });
    const tagOf = new AsyncLocalStorage<string>();
    const blobs: Array<BlobCopyRecord & { tag: string | undefined }> = [];
    const exchanges: Array<RegistryExchange & { side: string; tag: string | undefined }> = [];
    try {
      await syncRepository(
        testSyncRequest(upstream.host, 'obs/app', { ...target, url: faults.url, host: faults.host }, 'obs/second', {
          aroundTag: (tag, work) => tagOf.run(tag, work),
          onBlob: (b) => void blobs.push({ ...b, tag: tagOf.getStore() }),
          onExchange: (side, e) => void exchanges.push({ ...e, side, tag: tagOf.getStore() }),
        }),
      );
    } finally {
      await faults.stop();
    }
    const sizes = blobSizes([images.b!, images.c!]);
    const shared = JSON.parse(images.a!.manifest.toString('utf8')).layers[0].digest as string;
    assert.deepEqual(new Set(blobs.map((b) => b.digest)), new Set(sizes.keys()), 'one record per blob of b and c');
    for (const b of blobs) {
      assert.equal(b.size, sizes.get(b.digest));
      assert.equal(b.outcome, b.digest === shared ? 'skipped' : 'uploaded', b.digest);
      assert.equal(b.bytesUploaded, b.outcome === 'uploaded' ? b.size : 0);
      assert.ok(b.durationMs >= 0 && b.startedAt > 0);
      assert.ok(b.tag === 'b' || b.tag === 'c', `blob ${b.digest} reported inside its tag (${b.tag})`);
    }
    assert.equal(blobs.reduce((n, b) => n + b.retries, 0), 1, 'the one failed PUT was retried once');

    const headA = exchanges.find((e) => e.side === 'target' && e.method === 'HEAD' && e.url.endsWith('/manifests/a'));
    assert.ok(headA, 'the target was asked for tag a');
    assert.deepEqual([headA.status, headA.errorCode, headA.tag], [200, undefined, 'a']);
    const getC = exchanges.find((e) => e.side === 'upstream' && e.method === 'GET' && e.url.endsWith('/manifests/c'));
    assert.equal(getC?.tag, 'c', 'the upstream manifest of c is fetched inside its tag');
    const refused = exchanges.find((e) => e.status === 503);
    assert.ok(refused, 'the injected 503 was reported');
    assert.equal(refused.errorCode, 'UNAVAILABLE');
    const upload = exchanges.find((e) => e.method === 'PUT' && e.url.includes('/blobs/uploads/') && e.status === 201);
    assert.ok(upload, 'an upload was reported');
    assert.match(upload.url, /[?&]digest=sha256%3A[0-9a-f]{64}/, 'the digest stays');
    assert.ok(!/_state=(?!REDACTED)/.test(upload.url), `the upload state is redacted: ${upload.url}`);
    for (const e of exchanges) assert.ok(e.durationMs >= 0 && ['upstream', 'target'].includes(e.side));
  });
});
