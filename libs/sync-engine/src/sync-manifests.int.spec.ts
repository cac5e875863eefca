import { globTagRule } from '@ferry/contracts';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startRegistry,
  startShapingProxy,
  pushImage,
  pushMultiArch,
  getManifest,
  listTags,
  manifestDigest,
  type RunningRegistry,
} from '@ferry/testing';
import { syncRepository } from './sync-repository';
import { testSyncRequest } from './sync-request.fixtures';
import type { SyncRequest, TagResult } from './sync-request';

const req: typeof testSyncRequest = (host, repo, target, targetRepo, extra = {}) =>
  testSyncRequest(host, repo, target, targetRepo, { retry: { maxAttempts: 2, baseMs: 10, maxMs: 50 }, ...extra });

function byTag(results: TagResult[]): Record<string, string> {
  return Object.fromEntries(results.map((r) => [r.tag, r.kind === 'failed' ? r.error.code : r.kind]));
}

describe('manifests beyond the configured limits', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    await pushImage(upstream, 'lim/repo', 'small', { mediaType: 'oci', layers: [{ seed: 'lim-small', size: 1_000 }] });
    await pushImage(upstream, 'lim/repo', 'large', {
      mediaType: 'oci',
      layers: [{ seed: 'lim-large', size: 1_000 }],
      annotations: { 'dev.ferry.padding': 'x'.repeat(4_000) },
    });
    await pushMultiArch(upstream, 'lim/repo', 'multi', {
      seed: 'lim-multi',
      flavour: 'oci',
      layers: [{ seed: 'lim-multi-base', size: 1_000 }],
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' },
        { os: 'linux', architecture: 'arm', variant: 'v7' },
      ],
    });
  });
  after(() => Promise.all([upstream.stop(), target.stop()]));

  it('refuses an oversized manifest with MANIFEST_TOO_LARGE and copies the rest', async () => {
    const report = await syncRepository(req(upstream.host, 'lim/repo', target, 'mirror/size', { limits: { maxManifestBytes: 3_000 } }));
    assert.deepEqual(byTag(report.results), { large: 'MANIFEST_TOO_LARGE', multi: 'synced', small: 'synced' });
    assert.deepEqual(await listTags(target, 'mirror/size'), ['multi', 'small']);
  });

  it('refuses an index with more entries than allowed with TOO_MANY_INDEX_ENTRIES', async () => {
    const report = await syncRepository(req(upstream.host, 'lim/repo', target, 'mirror/entries', { limits: { maxIndexEntries: 2 } }));
    assert.deepEqual(byTag(report.results), { large: 'synced', multi: 'TOO_MANY_INDEX_ENTRIES', small: 'synced' });
  });

  it("copies all of them under Quay's defaults (10 MiB, 1000 entries)", async () => {
    const report = await syncRepository(req(upstream.host, 'lim/repo', target, 'mirror/defaults'));
    assert.deepEqual(byTag(report.results), { large: 'synced', multi: 'synced', small: 'synced' });
  });
});

describe('an upstream with the referrers API and a target without it (docker-registry 2.8)', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let subject: { digest: string; mediaType: string; size: number };
  let sbom: { digest: string; mediaType: string; size: number };
  let api: Awaited<ReturnType<typeof startShapingProxy>>;
  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    const image = await pushImage(upstream, 'ref/repo', 'v1', { mediaType: 'oci', layers: [{ seed: 'ref-image', size: 5_000 }] });
    subject = { digest: image.digest, mediaType: image.mediaType, size: image.size };
    // An SBOM that refers to the image, pushed by digest only: only the referrers API finds it.
    const artifact = await pushImage(upstream, 'ref/repo', null, {
      mediaType: 'oci',
      layers: [{ seed: 'ref-sbom', size: 700 }],
      subject,
      artifactType: 'application/spdx+json',
    });
    sbom = { digest: artifact.digest, mediaType: artifact.mediaType, size: artifact.size };
    // docker-registry 2.8 has no referrers API: the proxy serves one for the image, as a 1.1 registry would.
    api = await startShapingProxy(upstream.url, {
      answer: (request, res) => {
        const m = /^\/v2\/ref\/repo\/referrers\/(sha256:[0-9a-f]{64})/.exec(request.url ?? '');
        if (!m) return false;
        request.resume();
        const manifests = m[1] === subject.digest ? [{ ...sbom, artifactType: 'application/spdx+json' }] : [];
        res
          .writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' })
          .end(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
        return true;
      },
    });
  });
  after(() => Promise.all([api.stop(), upstream.stop(), target.stop()]));

  it('copies the referrers and lists them in the sha256-<digest> fallback tag on the target', async () => {
    const report = await syncRepository(req(api.host, 'ref/repo', target, 'mirror/ref', { tagRule: globTagRule(['v1']) }));
    assert.deepEqual(byTag(report.results), { v1: 'synced' });
    const fallbackTag = subject.digest.replace(':', '-');
    assert.deepEqual(await listTags(target, 'mirror/ref'), [fallbackTag, 'v1'].sort());
    const index = JSON.parse((await getManifest(target, 'mirror/ref', fallbackTag))!.bytes.toString('utf8')) as {
      manifests: Array<{ digest: string; artifactType?: string }>;
    };
    assert.deepEqual(index.manifests.map((d) => [d.digest, d.artifactType]), [[sbom.digest, 'application/spdx+json']]);
    assert.equal(await manifestDigest(target, 'mirror/ref', sbom.digest), sbom.digest);
  });

  it('keeps the fallback tag on the next run, though no pattern selects it', async () => {
    const report = await syncRepository(req(api.host, 'ref/repo', target, 'mirror/ref', { tagRule: globTagRule(['v1']) }));
    assert.deepEqual(report.results.map((r) => r.kind), ['synced']);
    assert.ok((await listTags(target, 'mirror/ref')).includes(subject.digest.replace(':', '-')));
  });
});
