import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bytes, count, errorWords, seconds, shortDigest } from './format';
import { safeNext } from './navigation';
import { percentDone } from './progress';

const progress = (p: Partial<Parameters<typeof percentDone>[0]>) => ({ tags_done: 0, tags_total: 0, bytes_copied: 0, bytes_total: 0, bytes_per_second: 0, eta_seconds: null, updated_at: '', ...p });

describe('what the console computes and writes', () => {
  it('reaches 100 % only when the run is done: by bytes once known, held back while tags remain', () => {
    assert.equal(percentDone(progress({ tags_total: 4, tags_done: 1 }), false), 25);
    assert.equal(percentDone(progress({ tags_total: 2, tags_done: 1, bytes_total: 100, bytes_copied: 50 }), false), 50);
    assert.ok(percentDone(progress({ tags_total: 2, tags_done: 1, bytes_total: 100, bytes_copied: 100 }), false) < 100, 'bytes known so far are not the end');
    assert.equal(percentDone(progress({ tags_total: 2, tags_done: 2, bytes_total: 100, bytes_copied: 100 }), false), 100);
    assert.equal(percentDone(progress({}), true), 100);
    assert.equal(percentDone(progress({}), false), 0);
  });

  it('follows a sign-in\'s next only to a page of its own', () => {
    assert.equal(safeNext('/repository/a/b?tab=runs'), '/repository/a/b?tab=runs');
    for (const bad of [null, '', 'https://evil.example', '//evil.example', '/\\evil.example', '/signin?next=/x']) assert.equal(safeNext(bad), '/', String(bad));
  });

  it('writes sizes, durations, counts, digests and errors for people', () => {
    assert.equal(bytes(512), '512 B');
    assert.equal(bytes(1536), '1.5 KiB');
    assert.equal(bytes(null), '—');
    assert.equal(seconds(59), '59 s');
    assert.equal(seconds(0.4), 'under 1 s');
    assert.equal(seconds(3600), '1 h');
    assert.equal(seconds(90000), '1 d 1 h');
    assert.equal(count(1, 'mirror'), '1 mirror');
    assert.equal(count(2, 'repository', 'repositories'), '2 repositories');
    assert.equal(shortDigest(`sha256:${'a'.repeat(64)}`), 'sha256:aaaaaaaaaaaa');
    assert.equal(errorWords({ code: 'DELETE_CAP_EXCEEDED', message: 'would delete 3' }), 'DELETE_CAP_EXCEEDED: would delete 3');
    assert.equal(errorWords({ code: 'X', message: null }), 'X');
    assert.equal(errorWords(null), '—');
  });
});
