import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { listTags, parseTagNameFilter, tagLifetimes, type ManifestFacts, type TagChangeRecord, type TagListOptions } from './tag-listing';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute));
const A = 'sha256:' + 'a'.repeat(64);
const B = 'sha256:' + 'b'.repeat(64);
const C = 'sha256:' + 'c'.repeat(64);
const change = (tag: string, position: number, kind: TagChangeRecord['change'], digest: string | null): TagChangeRecord => ({ tag, position, change: kind, digest, occurredAt: at(position) });
const all: TagListOptions = { onlyActiveTags: false, specificTag: null, filter: null, page: 1, limit: 50 };
const facts = new Map<string, ManifestFacts>([
  [A, { mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1000 }],
  [B, { mediaType: 'application/vnd.oci.image.index.v1+json', size: 2000 }],
]);

describe("Quay's tag listing from Ferry's tag read models", () => {
  it('ends a lifetime where the tag moved, starts the next one, and ends the last at its removal', () => {
    const lifetimes = tagLifetimes([], [change('v1', 1, 'created', A), change('v1', 2, 'moved', B), change('v1', 3, 'deleted', null)]);
    assert.deepEqual(lifetimes, [
      { name: 'v1', digest: A, start: at(1), end: at(2), reversion: false },
      { name: 'v1', digest: B, start: at(2), end: at(3), reversion: false },
    ]);
  });

  it('marks a digest a rollback put back as a reversion', () => {
    const lifetimes = tagLifetimes([{ tag: 'v1', digest: A, mediaType: '', updatedAt: at(3) }], [change('v1', 1, 'created', A), change('v1', 2, 'moved', B), change('v1', 3, 'rolled_back', A)]);
    assert.deepEqual(lifetimes.at(-1), { name: 'v1', digest: A, start: at(3), end: null, reversion: true });
  });

  it('shows an active tag with no history (found unchanged on the target) from when Ferry last wrote it', () => {
    assert.deepEqual(tagLifetimes([{ tag: 'v2', digest: C, mediaType: '', updatedAt: at(9) }], []), [{ name: 'v2', digest: C, start: at(9), end: null, reversion: false }]);
  });

  it("writes Quay's fields: seconds, RFC 2822 dates, end_ts and expiration only for ended lifetimes", () => {
    const lifetimes = tagLifetimes([{ tag: 'v1', digest: B, mediaType: '', updatedAt: at(2) }], [change('v1', 1, 'created', A), change('v1', 2, 'moved', B)]);
    const { tags, page, has_additional } = listTags(lifetimes, facts, all);
    assert.equal(page, 1);
    assert.equal(has_additional, false);
    assert.deepEqual(tags, [
      { name: 'v1', reversion: false, start_ts: at(2).getTime() / 1000, manifest_digest: B, is_manifest_list: true, size: 2000, last_modified: 'Tue, 01 Dec 2026 12:02:00 -0000' },
      {
        name: 'v1',
        reversion: false,
        start_ts: at(1).getTime() / 1000,
        end_ts: at(2).getTime() / 1000,
        manifest_digest: A,
        is_manifest_list: false,
        size: 1000,
        last_modified: 'Tue, 01 Dec 2026 12:01:00 -0000',
        expiration: 'Tue, 01 Dec 2026 12:02:00 -0000',
      },
    ]);
    assert.deepEqual(listTags(lifetimes, facts, { ...all, onlyActiveTags: true }).tags.map((t) => t.manifest_digest), [B]);
  });

  it('leaves the size null for a manifest Ferry copied no bytes of record for', () => {
    const { tags } = listTags(tagLifetimes([{ tag: 'v9', digest: C, mediaType: '', updatedAt: at(1) }], []), facts, all);
    assert.equal(tags[0]!.size, null);
  });

  it('filters by specificTag and filter_tag_name, and pages newest first with has_additional', () => {
    const active = ['a1', 'a2', 'b1'].map((tag, i) => ({ tag, digest: A, mediaType: '', updatedAt: at(i) }));
    const lifetimes = tagLifetimes(active, []);
    assert.deepEqual(listTags(lifetimes, facts, { ...all, specificTag: 'a2' }).tags.map((t) => t.name), ['a2']);
    assert.deepEqual(listTags(lifetimes, facts, { ...all, filter: { op: 'like', name: 'A' } }).tags.map((t) => t.name), ['a2', 'a1']);
    assert.deepEqual(listTags(lifetimes, facts, { ...all, filter: { op: 'eq', name: 'b1' } }).tags.map((t) => t.name), ['b1']);
    const first = listTags(lifetimes, facts, { ...all, limit: 2 });
    assert.deepEqual([first.tags.map((t) => t.name), first.has_additional], [['b1', 'a2'], true]);
    const second = listTags(lifetimes, facts, { ...all, limit: 2, page: 2 });
    assert.deepEqual([second.tags.map((t) => t.name), second.page, second.has_additional], [['a1'], 2, false]);
  });

  it('reads filter_tag_name as like:<name> or eq:<name>', () => {
    assert.deepEqual(parseTagNameFilter('like:v1'), { op: 'like', name: 'v1' });
    assert.deepEqual(parseTagNameFilter('eq:v1:x'), { op: 'eq', name: 'v1:x' });
    assert.equal(typeof parseTagNameFilter('v1'), 'string');
    assert.equal(typeof parseTagNameFilter('gt:v1'), 'string');
    assert.equal(typeof parseTagNameFilter('like:'), 'string');
  });
});
