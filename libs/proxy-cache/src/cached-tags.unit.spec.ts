import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StaleReason, type ProxyCacheRepositoryEvent } from '@ferry/contracts';
import { evolveCachedTags, mayServeStale, staleReasonFor, tagFreshness, type CachedTags } from './cached-tags';

const meta = (occurredAt: string) => ({ id: 'e', schemaVersion: 1, occurredAt, aggregateId: 'hub/alpine', correlationId: 'c', causationId: 'c' });
const filled = (reference: string, digest: string, at: string): ProxyCacheRepositoryEvent => ({
  ...meta(at),
  type: 'ProxyCacheFilled',
  data: { organization: 'hub', repository: 'alpine', kind: 'manifest', reference, digest, size: 1, upstream: 'u/alpine' },
});

describe('a proxy-cache repository remembers when the upstream last confirmed each tag', () => {
  it('a fill by tag and a later refresh move the tag; fills by digest and of blobs do not', () => {
    let tags: CachedTags = new Map();
    tags = evolveCachedTags(tags, filled('3.20', 'sha256:a', '2026-01-01T00:00:00Z'));
    tags = evolveCachedTags(tags, filled('sha256:b', 'sha256:b', '2026-01-01T00:00:01Z'));
    assert.deepEqual([...tags.keys()], ['3.20']);
    tags = evolveCachedTags(tags, { ...meta('2026-01-02T00:00:00Z'), type: 'ProxyCacheRefreshed', data: { organization: 'hub', repository: 'alpine', tag: '3.20', digest: 'sha256:c', previousDigest: 'sha256:a', changed: true } });
    assert.deepEqual(tags.get('3.20'), { digest: 'sha256:c', checkedAt: '2026-01-02T00:00:00Z' });
  });

  it('is fresh for expiration_s, then expired; stale copies serve until the bound past expiry', () => {
    const tag = { digest: 'sha256:a', checkedAt: '2026-01-01T00:00:00Z' };
    assert.equal(tagFreshness(tag, 60, new Date('2026-01-01T00:00:59Z')), 'fresh');
    assert.equal(tagFreshness(tag, 60, new Date('2026-01-01T00:01:00Z')), 'expired');
    assert.equal(mayServeStale(tag, 60, 100, new Date('2026-01-01T00:02:40Z')), true);
    assert.equal(mayServeStale(tag, 60, 100, new Date('2026-01-01T00:02:41Z')), false);
  });

  it('stands in for throttling, server errors, timeouts, refused connections and a deleted tag, never for a refusal', () => {
    assert.equal(staleReasonFor({ status: 429 }), StaleReason.TooManyRequests);
    assert.equal(staleReasonFor({ status: 503 }), StaleReason.ServerError);
    assert.equal(staleReasonFor({ status: 404 }), StaleReason.TagDeleted);
    assert.equal(staleReasonFor({ status: 401 }), null);
    assert.equal(staleReasonFor({ networkCode: 'TIMEOUT' }), StaleReason.Timeout);
    assert.equal(staleReasonFor({ networkCode: 'UPSTREAM_UNREACHABLE' }), StaleReason.Unreachable);
  });
});
