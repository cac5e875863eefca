import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPermanentHttpStatus } from './http-post';

describe('HTTP status classification', () => {
  it('treats 4xx as permanent except 408 and 429', () => {
    for (const s of [400, 401, 403, 404, 410, 413, 422]) assert.equal(isPermanentHttpStatus(s), true, String(s));
    for (const s of [408, 429]) assert.equal(isPermanentHttpStatus(s), false, String(s));
  });
  it('treats 5xx and 3xx as transient', () => {
    for (const s of [500, 502, 503, 504, 301, 302]) assert.equal(isPermanentHttpStatus(s), false, String(s));
  });
});
