import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProxyCacheRepositoryEvent } from '@ferry/contracts';
import { cachedBytes, emptyCacheUsage, evolveCacheUsage, planEviction, type CacheUsage } from './cache-usage';
import { evolveCachedTags } from './cached-tags';

const meta = (at: string) => ({ id: 'e', schemaVersion: 1, occurredAt: at, aggregateId: 'hub/x', correlationId: 'c', causationId: 'c' });
const blob = (repository: string, digest: string, size: number, at = '2026-01-01T00:00:00Z'): ProxyCacheRepositoryEvent => ({
  ...meta(at),
  type: 'ProxyCacheFilled',
  data: { organization: 'hub', repository, kind: 'blob', reference: digest, digest, size, upstream: 'u' },
});
const manifest = (repository: string, reference: string, digest: string, references: string[], at: string): ProxyCacheRepositoryEvent => ({
  ...meta(at),
  type: 'ProxyCacheFilled',
  data: { organization: 'hub', repository, kind: 'manifest', reference, digest, size: 10, upstream: 'u', references },
});
const fold = (events: ProxyCacheRepositoryEvent[]): CacheUsage => events.reduce(evolveCacheUsage, emptyCacheUsage());

/** Three images of 110 bytes each (a 10-byte manifest, a 100-byte layer), pulled at 1, 2 and 3 o'clock. */
const three = [
  blob('a', 'sha256:la', 100),
  manifest('a', '1', 'sha256:ma', ['sha256:la'], '2026-01-01T01:00:00Z'),
  blob('b', 'sha256:lb', 100),
  manifest('b', '1', 'sha256:mb', ['sha256:lb'], '2026-01-01T02:00:00Z'),
  blob('c', 'sha256:lc', 100),
  manifest('c', '1', 'sha256:mc', ['sha256:lc'], '2026-01-01T03:00:00Z'),
];

describe("a proxy cache's size limit", () => {
  it('counts every manifest and blob stored, once per repository', () => {
    assert.equal(cachedBytes(fold(three)), 330);
  });

  it('evicts nothing within the limit', () => {
    assert.deepEqual(planEviction(fold(three), 330).evictions, []);
  });

  it('evicts the least recently pulled image first, with what only it names, until the rest fit', () => {
    const plan = planEviction(fold(three), 250);
    assert.equal(plan.cachedBytes, 330);
    assert.deepEqual(plan.evictions, [{ repository: 'a', digest: 'sha256:ma', tags: ['1'], lastPulledAt: '2026-01-01T01:00:00Z', removed: ['sha256:ma', 'sha256:la'], bytes: 110 }]);
    assert.deepEqual(planEviction(fold(three), 120).evictions.map((e) => e.repository), ['a', 'b']);
  });

  it('takes a pull the front saw since (a hit, which is no event) as the latest pull', () => {
    const plan = planEviction(fold(three), 250, (repository) => (repository === 'a' ? '2026-01-01T04:00:00Z' : undefined));
    assert.deepEqual(plan.evictions.map((e) => e.repository), ['b']);
  });

  it('a refresh or a stale answer is a pull too', () => {
    const refreshed: ProxyCacheRepositoryEvent = { ...meta('2026-01-01T05:00:00Z'), type: 'ProxyCacheRefreshed', data: { organization: 'hub', repository: 'a', tag: '1', digest: 'sha256:ma', previousDigest: 'sha256:ma', changed: false } };
    assert.deepEqual(planEviction(fold([...three, refreshed]), 250).evictions.map((e) => e.repository), ['b']);
  });

  it('keeps a layer another cached image of the repository names, and counts only what goes', () => {
    const shared = [
      blob('a', 'sha256:base', 100),
      blob('a', 'sha256:top', 50),
      manifest('a', '1', 'sha256:m1', ['sha256:base'], '2026-01-01T01:00:00Z'),
      manifest('a', '2', 'sha256:m2', ['sha256:base', 'sha256:top'], '2026-01-01T02:00:00Z'),
    ];
    const plan = planEviction(fold(shared), 169);
    assert.deepEqual(plan.evictions, [{ repository: 'a', digest: 'sha256:m1', tags: ['1'], lastPulledAt: '2026-01-01T01:00:00Z', removed: ['sha256:m1'], bytes: 10 }]);
  });

  it("evicts an index with its images, never an index's image alone", () => {
    const index = [
      blob('m', 'sha256:l1', 100),
      blob('m', 'sha256:l2', 100),
      manifest('m', 'sha256:i1', 'sha256:i1', ['sha256:l1'], '2026-01-01T01:00:00Z'),
      manifest('m', 'sha256:i2', 'sha256:i2', ['sha256:l2'], '2026-01-01T01:00:00Z'),
      manifest('m', '1', 'sha256:idx', ['sha256:i1', 'sha256:i2'], '2026-01-01T01:00:01Z'),
      ...three.slice(2),
    ];
    const plan = planEviction(fold(index), 300);
    assert.equal(plan.evictions.length, 1);
    assert.deepEqual(plan.evictions[0]!.removed, ['sha256:idx', 'sha256:i1', 'sha256:l1', 'sha256:i2', 'sha256:l2']);
    assert.equal(plan.evictions[0]!.bytes, 230);
  });

  it('keeps the most recently pulled image however large', () => {
    assert.deepEqual(planEviction(fold(three), 1).evictions.map((e) => e.repository), ['a', 'b']);
  });

  it('forgets what an eviction removed, and the tags it took, so the next pull is a miss', () => {
    const [eviction] = planEviction(fold(three), 250).evictions;
    const evicted: ProxyCacheRepositoryEvent = {
      ...meta('2026-01-01T06:00:00Z'),
      type: 'ProxyCacheEvicted',
      data: { organization: 'hub', ...eviction!, cachedBytes: 330, limitBytes: 250 },
    };
    const after = fold([...three, evicted]);
    assert.equal(cachedBytes(after), 220);
    assert.equal(after.pulled.has('a@sha256:ma'), false);
    const tags = evolveCachedTags(evolveCachedTags(new Map(), three[1]!), evicted);
    assert.equal(tags.size, 0);
  });

  it('moves a tag to its new manifest when it is pulled again after it moved upstream', () => {
    const moved = fold([...three, blob('a', 'sha256:la2', 100), manifest('a', '1', 'sha256:ma2', ['sha256:la2'], '2026-01-01T07:00:00Z')]);
    assert.deepEqual(moved.pulled.get('a@sha256:ma')!.tags, []);
    assert.deepEqual(moved.pulled.get('a@sha256:ma2')!.tags, ['1']);
  });
});
