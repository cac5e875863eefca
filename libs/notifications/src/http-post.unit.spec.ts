import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPermanentHttpStatus, parseRetryAfter } from './http-post';

describe('HTTP status classification', () => {
  it('treats 4xx as permanent except 408 and 429', () => {
    for (const s of [400, 401, 403, 404, 410, 413, 422]) assert.equal(isPermanentHttpStatus(s), true, String(s));
    for (const s of [408, 429]) assert.equal(isPermanentHttpStatus(s), false, String(s));
  });
  it('treats 5xx and 3xx as transient', () => {
    for (const s of [500, 502, 503, 504, 301, 302]) assert.equal(isPermanentHttpStatus(s), false, String(s));
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds', () => {
    assert.equal(parseRetryAfter('120'), 120_000);
  });
  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2025-03-01T10:00:00Z');
    assert.equal(parseRetryAfter('Sat, 01 Mar 2025 10:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Sat, 01 Mar 2025 09:00:00 GMT', now), 0);
  });
  it('ignores what it cannot read', () => {
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
  });
});
