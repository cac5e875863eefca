import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TagRule } from '@ferry/contracts';
import { pushImage, startRegistry, tagDigests, type RunningRegistry } from '@ferry/testing';
import { previewRepository } from './sync-preview';
import { SyncError } from './sync-error';
import { MemoryLedger } from './target-ledger';
import { syncRepository } from './sync-repository';
import { testSyncRequest } from './sync-request.fixtures';

const VERSIONS = ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v2.0.0', 'v2.1.0-rc.1', 'latest'];
const all = (): TagRule => ({ include: [{ kind: 'glob', patterns: ['*'] }], exclude: [] });

/** The access log's requests that write (anything but GET and HEAD). */
function writes(registry: RunningRegistry): string[] {
  return registry.accessLog().filter((line) => /"(PUT|POST|PATCH|DELETE) /.test(line));
}


describe('choosing tags and deleting only what a person would approve', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let n = 0;
  /** A fresh target repository holding the first copy of every upstream tag. */
  const mirrored = async (): Promise<string> => {
    const repo = `mirror/app${n++}`;
    await syncRepository(testSyncRequest(upstream.host, 'app', target, repo, { tagRule: all() }));
    return repo;
  };

  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry({ countRequests: true })]);
    for (const [i, tag] of VERSIONS.entries()) await pushImage(upstream, 'app', tag, { mediaType: 'oci', layers: [{ seed: `app-${tag}`, size: 1000 + i }] });
  });
  after(() => Promise.all([upstream.stop(), target.stop()]));

  it('previews a first run: every tag to copy with its bytes, and sends the target no request that writes', async () => {
    await target.resetRequestCount();
    const preview = await previewRepository(testSyncRequest(upstream.host, 'app', target, 'mirror/preview', { tagRule: all() }));
    await target.settleRequestCount();
    assert.deepEqual(writes(target), []);
    assert.ok(target.accessLog().length > 0, 'the preview looked at the target');
    assert.equal(preview.totals.copy, VERSIONS.length);
    assert.equal(preview.totals.unchanged, 0);
    // Each image has its own layer (1000 + i bytes) and config; the bytes count what the target lacks.
    assert.ok(preview.totals.bytes > VERSIONS.reduce((sum, _, i) => sum + 1000 + i, 0));
    assert.deepEqual(await tagDigests(target, 'mirror/preview'), {});
  });

  it('previews a narrower rule over a mirrored repository: unchanged, and the tags a run would delete', async () => {
    const repo = await mirrored();
    await target.resetRequestCount();
    const rule: TagRule = { include: [{ kind: 'semver', range: '^1' }], exclude: [] };
    const preview = await previewRepository(testSyncRequest(upstream.host, 'app', target, repo, { tagRule: rule }));
    await target.settleRequestCount();
    assert.deepEqual(writes(target), []);
    assert.deepEqual(preview.tags.map((t) => [t.tag, t.action]), [['v1.0.0', 'unchanged'], ['v1.1.0', 'unchanged'], ['v1.2.0', 'unchanged']]);
    assert.deepEqual(preview.delete.sort(), ['latest', 'v2.0.0', 'v2.1.0-rc.1']);
    assert.equal(preview.totals.delete, 3);
    assert.equal(preview.totals.bytes, 0);
    assert.equal(Object.keys(await tagDigests(target, repo)).length, VERSIONS.length, 'nothing was deleted');
  });

  it('keeps the newest two by semver: older matches are not copied, and removed where they were', async () => {
    const repo = await mirrored();
    const rule: TagRule = { include: [{ kind: 'glob', patterns: ['v*'] }], exclude: [], keepNewest: { count: 2, by: 'semver' } };
    const report = await syncRepository(testSyncRequest(upstream.host, 'app', target, repo, { tagRule: rule }));
    // The glob selects the pre-release too; by semver it is newer than v2.0.0.
    assert.deepEqual(report.tagsMatched.sort(), ['v2.0.0', 'v2.1.0-rc.1']);
    assert.deepEqual(Object.keys(await tagDigests(target, repo)).sort(), ['v2.0.0', 'v2.1.0-rc.1']);
    assert.deepEqual(report.results.filter((r) => r.kind === 'deleted').map((r) => r.tag).sort(), ['latest', 'v1.0.0', 'v1.1.0', 'v1.2.0']);
  });

  it('keeps the newest two by the time Ferry first saw each tag', async () => {
    const rule: TagRule = { include: [{ kind: 'glob', patterns: ['*'] }], exclude: [], keepNewest: { count: 2, by: 'first-seen' } };
    const tagsFirstSeen = { 'v1.0.0': '2026-01-05T00:00:00Z', latest: '2026-01-01T00:00:00Z', 'v2.0.0': '2026-01-04T00:00:00Z', 'v1.1.0': '2026-01-02T00:00:00Z', 'v1.2.0': '2026-01-03T00:00:00Z' };
    const results: string[] = [];
    const report = await syncRepository(
      testSyncRequest(upstream.host, 'app', target, 'mirror/first-seen', {
        tagRule: rule,
        tagsFirstSeen,
        onTagResult: (r) => void (r.kind === 'synced' && results.push(`${r.tag}@${r.firstSeenAt}`)),
      }),
    );
    // v2.1.0-rc.1 has no sighting yet: it is seen now, the newest; then v1.0.0 (5 January).
    assert.deepEqual(report.tagsMatched.sort(), ['v1.0.0', 'v2.1.0-rc.1']);
    assert.deepEqual(Object.keys(await tagDigests(target, 'mirror/first-seen')).sort(), ['v1.0.0', 'v2.1.0-rc.1']);
    assert.ok(results.includes('v1.0.0@2026-01-05T00:00:00Z'), results.join(', '));
  });

  it('deletes nothing when the deletion would exceed the cap, and says how many it would have deleted', async () => {
    const repo = await mirrored();
    await target.resetRequestCount();
    const rule: TagRule = { include: [{ kind: 'glob', patterns: ['latest'] }], exclude: [] };
    const report = await syncRepository(testSyncRequest(upstream.host, 'app', target, repo, { tagRule: rule, tagDeletion: { enabled: true, maxDelete: { percent: 50 } } }));
    await target.settleRequestCount();
    assert.deepEqual(report.deletionRefused, { wouldDelete: 5, allowed: 3 });
    assert.equal(report.results.filter((r) => r.kind === 'deleted').length, 0);
    assert.deepEqual(writes(target).filter((line) => line.includes('"DELETE ')), []);
    assert.equal(Object.keys(await tagDigests(target, repo)).length, VERSIONS.length);
    const preview = await previewRepository(testSyncRequest(upstream.host, 'app', target, repo, { tagRule: rule, tagDeletion: { enabled: true, maxDelete: { count: 5 } } }));
    assert.equal(preview.deletionRefused, null, 'a cap of 5 allows the 5');
    assert.equal(preview.totals.delete, 5);
  });

  it('tells beforeWrite the bytes a run would add before its first write, and writes nothing when it refuses', async () => {
    const planned: number[] = [];
    await target.resetRequestCount();
    await assert.rejects(
      syncRepository(testSyncRequest(upstream.host, 'app', target, 'mirror/refused', { tagRule: all(), beforeWrite: async ({ bytes }) => {
        planned.push(bytes);
        throw new SyncError('QUOTA_EXCEEDED', 'over the limit', false);
      } })),
      (error: unknown) => error instanceof SyncError && error.code === 'QUOTA_EXCEEDED',
    );
    await target.settleRequestCount();
    assert.deepEqual(writes(target).filter((line) => line.includes('mirror/refused')), [], 'nothing was written');
    const preview = await previewRepository(testSyncRequest(upstream.host, 'app', target, 'mirror/refused', { tagRule: all() }));
    assert.deepEqual(planned, [preview.totals.bytes], 'the preview\'s count, read once');
    // Let through, the run writes exactly what it said it would.
    const report = await syncRepository(testSyncRequest(upstream.host, 'app', target, 'mirror/refused', { tagRule: all(), beforeWrite: async ({ bytes }) => void planned.push(bytes) }));
    assert.equal(report.bytesCopied, planned[1]);
    // The copy reuses what the plan read upstream: no more upstream requests than a run without a plan.
    const unplanned = await syncRepository(testSyncRequest(upstream.host, 'app', target, 'mirror/unplanned', { tagRule: all() }));
    assert.equal(report.requests.upstream, unplanned.requests.upstream);
    // Of a repository that holds it all, a run would add nothing.
    await syncRepository(testSyncRequest(upstream.host, 'app', target, 'mirror/refused', { tagRule: all(), beforeWrite: async ({ bytes }) => void planned.push(bytes) }));
    assert.equal(planned[2], 0);
    // With a ledger that vouches for every tag, neither the plan nor the run asks the target about a tag: its listing alone.
    const ledger = new MemoryLedger();
    await syncRepository(testSyncRequest(upstream.host, 'app', target, 'mirror/refused', { tagRule: all(), ledger }));
    const trusted = await syncRepository(testSyncRequest(upstream.host, 'app', target, 'mirror/refused', { tagRule: all(), ledger, beforeWrite: async ({ bytes }) => void planned.push(bytes) }));
    assert.deepEqual([planned[3], trusted.tagsTrustedFromLedger, trusted.requests.target], [0, VERSIONS.length, 1]);
  });

  it('keeps tags that stop matching when deletion is off', async () => {
    const repo = await mirrored();
    const report = await syncRepository(testSyncRequest(upstream.host, 'app', target, repo, { tagRule: { include: [{ kind: 'glob', patterns: ['latest'] }], exclude: [] }, tagDeletion: { enabled: false, maxDelete: null } }));
    assert.equal(report.results.filter((r) => r.kind === 'deleted').length, 0);
    assert.equal(Object.keys(await tagDigests(target, repo)).length, VERSIONS.length);
  });

});
