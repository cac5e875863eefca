import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffCeiling, backoffDelay, fullJitterDelay, type BackoffPolicy } from './backoff-policy';
import { parseRetryAfterMs } from './retry-after';
import { withRetries } from './with-retries';

const policy: BackoffPolicy = { baseMs: 100, maxMs: 1000, maxAttempts: 5 };

describe('the ceiling of a wait', () => {
  it('doubles from the base per retry, up to the cap', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((a) => backoffCeiling(policy, a)), [100, 200, 400, 800, 1000]);
    assert.equal(backoffCeiling(policy, 1500), 1000);
  });
  it('grows by the base per retry when linear', () => {
    assert.deepEqual([1, 2, 9].map((a) => backoffCeiling({ ...policy, growth: 'linear' }, a)), [100, 200, 900]);
    assert.equal(backoffCeiling({ ...policy, growth: 'linear' }, 11), 1000);
  });
});

describe('full jitter', () => {
  it('scales the ceiling by the random draw, in whole milliseconds', () => {
    assert.equal(fullJitterDelay(policy, 3, () => 0.5), 200);
    assert.equal(fullJitterDelay(policy, 3, () => 0), 0);
    assert.equal(fullJitterDelay(policy, 3, () => 0.999999), 399);
  });
  it('stays within [0, ceiling) with the real random source', () => {
    for (let i = 0; i < 200; i++) {
      const d = fullJitterDelay(policy, 4);
      assert.ok(Number.isInteger(d) && d >= 0 && d < 800, `delay ${d}`);
    }
  });
  it('is what a policy gets unless it turns jitter off', () => {
    assert.equal(backoffDelay(policy, 3, () => 0.5), 200);
    assert.equal(backoffDelay({ ...policy, jitter: false }, 3, () => 0.5), 400);
  });
});

describe('retrying an operation', () => {
  const fast: BackoffPolicy = { baseMs: 1, maxMs: 1, maxAttempts: 4 };
  const transient = new Error('transient');
  const retryable = (error: unknown) => error === transient;

  it('tries again after a retryable failure, and passes the attempt number', async () => {
    const seen: number[] = [];
    const retries: [number, number][] = [];
    const result = await withRetries(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw transient;
        return 'done';
      },
      { policy: fast, retryable, delayMs: (attempt) => attempt * 2, onRetry: (_e, attempt, delay) => retries.push([attempt, delay]) },
    );
    assert.equal(result, 'done');
    assert.deepEqual(seen, [1, 2, 3]);
    assert.deepEqual(retries, [[1, 2], [2, 4]]);
  });
  it('throws a failure that is not retryable at once', async () => {
    let attempts = 0;
    const fatal = new Error('fatal');
    await assert.rejects(withRetries(async () => { attempts++; throw fatal; }, { policy: fast, retryable }), fatal);
    assert.equal(attempts, 1);
  });
  it('throws the last failure once the attempts run out', async () => {
    let attempts = 0;
    await assert.rejects(withRetries(async () => { attempts++; throw transient; }, { policy: fast, retryable }), transient);
    assert.equal(attempts, 4);
  });
  it('makes no retry past its deadline', async () => {
    let attempts = 0;
    await assert.rejects(withRetries(async () => { attempts++; throw transient; }, { policy: { ...fast, maxAttempts: Infinity }, retryable, giveUpAt: Date.now() + 30 }), transient);
    assert.ok(attempts >= 2, `attempts ${attempts}`);
  });
  it('ends a wait when its signal aborts, with the error the caller names', async () => {
    const stop = new AbortController();
    const waiting = withRetries(async () => { throw transient; }, { policy: { baseMs: 60_000, maxMs: 60_000, maxAttempts: 2, jitter: false }, retryable, signal: stop.signal, cancelled: () => new Error('cancelled') });
    setTimeout(() => stop.abort(), 10);
    await assert.rejects(waiting, /cancelled/);
  });
  it('throws a failure as it is once its signal has aborted', async () => {
    const stop = new AbortController();
    stop.abort();
    let attempts = 0;
    await assert.rejects(withRetries(async () => { attempts++; throw transient; }, { policy: fast, retryable, signal: stop.signal }), transient);
    assert.equal(attempts, 1);
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds', () => {
    assert.equal(parseRetryAfterMs('120'), 120_000);
    assert.equal(parseRetryAfterMs('7'), 7_000);
    assert.equal(parseRetryAfterMs([' 3 ']), 3_000);
  });
  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2025-03-01T10:00:00Z');
    assert.equal(parseRetryAfterMs('Sat, 01 Mar 2025 10:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfterMs('Sat, 01 Mar 2025 09:00:00 GMT', now), 0);
    assert.equal(parseRetryAfterMs(new Date(10_000).toUTCString(), 0), 10_000);
  });
  it('ignores what it cannot read', () => {
    assert.equal(parseRetryAfterMs(undefined), undefined);
    assert.equal(parseRetryAfterMs(''), undefined);
    assert.equal(parseRetryAfterMs('soon'), undefined);
  });
});
