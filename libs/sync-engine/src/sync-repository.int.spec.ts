import { globTagRule } from '@ferry/contracts';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startRegistry,
  seedQuayExampleRepository,
  tagDigests,
  getManifest,
  blobExists,
  deleteManifest,
  pushImage,
  QUAY_EXAMPLE_INDEX_TAGS,
  type RunningRegistry,
} from '@ferry/testing';
import { selectTags } from '@ferry/mirror';
import { DispatcherPool } from '@ferry/registry-client';
import { syncRepository } from './sync-repository';
import type { SyncRequest, TagResult } from './sync-request';

const PATTERNS = ['v3.[!1]*', QUAY_EXAMPLE_INDEX_TAGS.ociIndex, QUAY_EXAMPLE_INDEX_TAGS.dockerList];

function request(upstream: RunningRegistry, target: RunningRegistry, extra: Partial<SyncRequest> = {}): SyncRequest {
  return {
    upstream: { reference: `${upstream.host}/quay/example`, verifyTls: false },
    target: { registryUrl: target.url, repository: 'mirror/example' },
    tagRule: globTagRule(PATTERNS),
    timeoutSeconds: 30,
    ssrfAllowedHosts: ['127.0.0.1'],
    ...extra,
  };
}

/** Every manifest and blob a tag reaches, to compare both sides digest by digest. */
async function closure(registry: string, repo: string, reference: string, out = new Set<string>()): Promise<Set<string>> {
  const m = await getManifest(registry, repo, reference);
  assert.ok(m, `${repo}:${reference} exists`);
  out.add(m.digest);
  const json = JSON.parse(m.bytes.toString()) as { manifests?: Array<{ digest: string }>; config?: { digest: string }; layers?: Array<{ digest: string }> };
  for (const child of json.manifests ?? []) await closure(registry, repo, child.digest, out);
  for (const blob of [json.config, ...(json.layers ?? [])]) {
    if (!blob) continue;
    assert.ok(await blobExists(registry, repo, blob.digest), `blob ${blob.digest} of ${reference} is in ${repo}`);
    out.add(blob.digest);
  }
  return out;
}

describe('syncing the Quay example repository into an empty target', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let seeded: Record<string, string>;
  let firstResults: TagResult[] = [];
  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    seeded = await seedQuayExampleRepository(upstream.url, 'quay/example');
  });
  after(() => Promise.all([upstream.stop(), target.stop()]));

  it('copies exactly the selected tags with their upstream digests', async () => {
    const report = await syncRepository(request(upstream, target, { onTagResult: (r) => void firstResults.push(r) }));
    const expected = selectTags(Object.keys(seeded), PATTERNS).sort();
    assert.deepEqual([...report.tagsMatched].sort(), expected);
    assert.deepEqual(
      await tagDigests(target.url, 'mirror/example'),
      Object.fromEntries(expected.map((t) => [t, seeded[t]!])),
    );
    assert.equal(report.listingComplete, true);
    assert.equal(report.cancelled, false);
    assert.ok(report.results.every((r) => r.kind === 'synced' && !r.unchanged), JSON.stringify(report.results));
    assert.equal(firstResults.length, expected.length);
    assert.ok(report.bytesCopied > 0);
  });

  it('holds every child manifest and blob of every copied tag, byte for byte', async () => {
    for (const tag of selectTags(Object.keys(seeded), PATTERNS)) {
      const up = await closure(upstream.url, 'quay/example', tag);
      const down = await closure(target.url, 'mirror/example', tag);
      assert.deepEqual([...down].sort(), [...up].sort());
      assert.deepEqual((await getManifest(target.url, 'mirror/example', tag))!.bytes, (await getManifest(upstream.url, 'quay/example', tag))!.bytes);
    }
  });

  it('reports every tag unchanged on a second run, moving no bytes', async () => {
    const report = await syncRepository(request(upstream, target));
    assert.ok(report.results.every((r) => r.kind === 'synced' && r.unchanged), JSON.stringify(report.results));
    assert.equal(report.bytesCopied, 0);
    // listing on each side, then one HEAD per tag on each side
    assert.equal(report.requests.upstream, 1 + report.tagsMatched.length);
    assert.equal(report.requests.target, 1 + report.tagsMatched.length);
  });

  it('asks an upstream without a referrers API once across the runs sharing a connection pool', async () => {
    const pool = new DispatcherPool();
    try {
      const referrerAsks: number[] = [];
      for (const repository of ['pooled/one', 'pooled/two']) {
        let asked = 0;
        const report = await syncRepository(request(upstream, target, {
          target: { registryUrl: target.url, repository },
          dispatchers: pool,
          onRequest: (side, _method, url) => void (side === 'upstream' && url.includes('/referrers/') && asked++),
        }));
        assert.ok(report.results.every((r) => r.kind === 'synced' && !r.unchanged), JSON.stringify(report.results));
        referrerAsks.push(asked);
      }
      assert.deepEqual(referrerAsks, [1, 0], 'the second run trusts what the first found (distribution 2.8 has no referrers API)');
    } finally {
      await pool.close();
    }
  });

  it('follows the upstream when a tag moves, one is deleted and one is added', async () => {
    const moved = await pushImage(upstream.url, 'quay/example', 'v3.3', { mediaType: 'oci', layers: [{ seed: 'moved v3.3', size: 2048 }] });
    await deleteManifest(upstream.url, 'quay/example', seeded['v3.2-4beta']!);
    const added = await pushImage(upstream.url, 'quay/example', 'v3.4', { mediaType: 'docker', layers: [{ seed: 'new v3.4', size: 2048 }] });
    const report = await syncRepository(request(upstream, target));
    const expected = { 'v3.2': seeded['v3.2']!, 'v3.3': moved.digest, 'v3.4': added.digest, [QUAY_EXAMPLE_INDEX_TAGS.ociIndex]: seeded[QUAY_EXAMPLE_INDEX_TAGS.ociIndex]!, [QUAY_EXAMPLE_INDEX_TAGS.dockerList]: seeded[QUAY_EXAMPLE_INDEX_TAGS.dockerList]! };
    assert.deepEqual(await tagDigests(target.url, 'mirror/example'), Object.fromEntries(Object.entries(expected).sort(([a], [b]) => a.localeCompare(b))));
    const byTag = new Map(report.results.map((r) => [r.tag, r]));
    assert.deepEqual(byTag.get('v3.2-4beta'), { kind: 'deleted', tag: 'v3.2-4beta', digest: seeded['v3.2-4beta'] });
    assert.equal((byTag.get('v3.3') as { unchanged: boolean }).unchanged, false);
    assert.equal((byTag.get('v3.2') as { unchanged: boolean }).unchanged, true);
  });

  it('selects with a richer rule: a regex and a semver range, an exclude after them, the newest 3 last; the rest is removed', async () => {
    const report = await syncRepository(
      request(upstream, target, {
        tagRule: {
          include: [{ kind: 'regex', pattern: 'multiarch-(oci|docker)' }, { kind: 'semver', range: '>=3.1 <5' }],
          exclude: [{ kind: 'regex', pattern: 'multiarch-docker' }],
          keepNewest: { count: 3, by: 'semver' },
        },
      }),
    );
    // In the range: v3.1 to v3.4 and v4.0 (v32 is 32.0.0); multiarch-oci names no version, so it ranks below them all.
    assert.deepEqual([...report.tagsMatched].sort(), ['v3.3', 'v3.4', 'v4.0']);
    const upstreamNow = await tagDigests(upstream.url, 'quay/example');
    assert.deepEqual(await tagDigests(target.url, 'mirror/example'), { 'v3.3': upstreamNow['v3.3'], 'v3.4': upstreamNow['v3.4'], 'v4.0': upstreamNow['v4.0'] });
    const deleted = report.results.filter((r) => r.kind === 'deleted').map((r) => r.tag).sort();
    assert.deepEqual(deleted, [QUAY_EXAMPLE_INDEX_TAGS.dockerList, QUAY_EXAMPLE_INDEX_TAGS.ociIndex, 'v3.2'].sort());
  });
});
