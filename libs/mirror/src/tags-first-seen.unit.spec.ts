import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { foldTagsSeen, tagsSeenIn } from './tags-first-seen';

describe('the record of when Ferry first saw each tag', () => {
  it('adds the tags a listing shows for the first time and keeps the earlier sightings', () => {
    const known = { v1: '2026-01-01T00:00:00Z' };
    const seen = tagsSeenIn(['v1', 'v2'], known, '2026-02-01T00:00:00Z');
    assert.deepEqual(seen, { first: { v2: '2026-02-01T00:00:00Z' }, gone: [] });
    assert.deepEqual(foldTagsSeen(known, seen), { v1: '2026-01-01T00:00:00Z', v2: '2026-02-01T00:00:00Z' });
  });
  it('forgets a tag the upstream no longer lists, so its return counts as a new tag', () => {
    const known = { v1: '2026-01-01T00:00:00Z', v2: '2026-02-01T00:00:00Z' };
    const gone = foldTagsSeen(known, tagsSeenIn(['v2'], known, '2026-03-01T00:00:00Z'));
    assert.deepEqual(gone, { v2: '2026-02-01T00:00:00Z' });
    const back = foldTagsSeen(gone, tagsSeenIn(['v1', 'v2'], gone, '2026-04-01T00:00:00Z'));
    assert.deepEqual(back, { v1: '2026-04-01T00:00:00Z', v2: '2026-02-01T00:00:00Z' });
  });
  it('changes nothing for a run that recorded no listing', () => {
    const known = { v1: '2026-01-01T00:00:00Z' };
    assert.equal(foldTagsSeen(known, undefined), known);
  });
});
