import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HookRateLimit } from './hook-rate-limit';

describe("a hook's rate limit", () => {
  it('takes a burst, then refuses with the seconds until the next delivery, then refills', () => {
    let now = 0;
    const limit = new HookRateLimit(3, 1, () => now);
    assert.deepEqual([limit.take('a'), limit.take('a'), limit.take('a')], [0, 0, 0]);
    assert.equal(limit.take('a'), 1);
    assert.equal(limit.take('b'), 0, 'another hook has its own bucket');
    now = 1_000;
    assert.equal(limit.take('a'), 0);
    assert.ok(limit.take('a') > 0);
  });
});
