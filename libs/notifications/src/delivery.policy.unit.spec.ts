import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NotificationEvent } from '@ferry/contracts';
import { deliveryId, nextDeliveryStep, nextRetryDelay, shouldNotify, type RetryPolicy } from './delivery.policy';
import { DeliveryErrorCode, NotificationDeliveryError } from './notification-errors';

const NO_JITTER: RetryPolicy = { baseMs: 1000, maxMs: 30_000, maxAttempts: 8, jitter: false };

describe('backoff without jitter', () => {
  it('doubles from the base per attempt', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((a) => nextRetryDelay(a, NO_JITTER)), [1000, 2000, 4000, 8000, 16000]);
  });
  it('is capped at maxMs', () => {
    assert.equal(nextRetryDelay(6, NO_JITTER), 30_000);
    assert.equal(nextRetryDelay(7, { ...NO_JITTER, maxAttempts: 2000 }), 30_000);
    assert.equal(nextRetryDelay(1500, { ...NO_JITTER, maxAttempts: 2000 }), 30_000);
  });
  it('returns null once the last allowed attempt has failed', () => {
    assert.equal(nextRetryDelay(7, NO_JITTER), 30_000);
    assert.equal(nextRetryDelay(8, NO_JITTER), null);
    assert.equal(nextRetryDelay(1, { ...NO_JITTER, maxAttempts: 1 }), null);
  });
  it('refuses attempt numbers below 1', () => {
    assert.throws(() => nextRetryDelay(0, NO_JITTER), RangeError);
  });
});

describe('backoff with full jitter', () => {
  it('scales the capped delay by the random draw', () => {
    const policy: RetryPolicy = { baseMs: 1000, maxMs: 30_000, maxAttempts: 8, random: () => 0.5 };
    assert.equal(nextRetryDelay(3, policy), 2000);
    assert.equal(nextRetryDelay(3, { ...policy, random: () => 0 }), 0);
    assert.equal(nextRetryDelay(3, { ...policy, random: () => 0.999999 }), 3999);
  });
  it('stays within [0, cap] with the real random source', () => {
    for (let i = 0; i < 200; i++) {
      const d = nextRetryDelay(4, { baseMs: 100, maxMs: 10_000, maxAttempts: 10 })!;
      assert.ok(d >= 0 && d < 800, `delay ${d}`);
    }
  });
  it("waits at least the receiver's Retry-After, capped by maxMs", () => {
    const policy: RetryPolicy = { baseMs: 1000, maxMs: 30_000, maxAttempts: 8, random: () => 0.1 };
    assert.equal(nextRetryDelay(1, policy, 5000), 5000);
    assert.equal(nextRetryDelay(1, policy, 120_000), 30_000);
  });
});

describe('the next step after an attempt', () => {
  const transient = new NotificationDeliveryError(DeliveryErrorCode.ReceiverUnavailable, 'x', { retryable: true, statusCode: 500 });
  const permanent = new NotificationDeliveryError(DeliveryErrorCode.ReceiverRejected, 'x', { retryable: false, statusCode: 400 });
  const policy: RetryPolicy = { baseMs: 10, maxMs: 100, maxAttempts: 3, jitter: false };

  it('is delivered after a 2xx', () => {
    assert.deepEqual(nextDeliveryStep({ ok: true, statusCode: 204, durationMs: 1 }, 1, policy), { action: 'delivered' });
  });
  it('is a retry after a transient failure with attempts left', () => {
    assert.deepEqual(nextDeliveryStep({ ok: false, statusCode: 500, error: transient, durationMs: 1 }, 2, policy), {
      action: 'retry',
      delayMs: 20,
    });
  });
  it('is dead after the last attempt', () => {
    assert.deepEqual(nextDeliveryStep({ ok: false, statusCode: 500, error: transient, durationMs: 1 }, 3, policy), {
      action: 'dead',
      reason: 'attempts_exhausted',
    });
  });
  it('is dead at once after a permanent failure', () => {
    assert.deepEqual(nextDeliveryStep({ ok: false, statusCode: 400, error: permanent, durationMs: 1 }, 1, policy), {
      action: 'dead',
      reason: 'permanent',
    });
  });
});

describe('rule filters', () => {
  const all = [NotificationEvent.Started, NotificationEvent.Succeeded, NotificationEvent.Failed];

  it('pass only the events the rule lists', () => {
    const failuresOnly = { events: [NotificationEvent.Failed] };
    assert.equal(shouldNotify(failuresOnly, NotificationEvent.Failed, 1), true);
    assert.equal(shouldNotify(failuresOnly, NotificationEvent.Succeeded, 0), false);
    assert.equal(shouldNotify(failuresOnly, NotificationEvent.Started, 0), false);
    assert.equal(shouldNotify({ events: [] }, NotificationEvent.Failed, 1), false);
    for (const e of all) assert.equal(shouldNotify({ events: all }, e, 1), true);
  });
  it('hold back failures until the streak reaches N, then pass every one', () => {
    const afterThree = { events: [NotificationEvent.Failed], minConsecutiveFailures: 3 };
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => shouldNotify(afterThree, NotificationEvent.Failed, n)), [false, false, true, true, true]);
  });
  it('do not apply the streak threshold to started and succeeded', () => {
    const rule = { events: all, minConsecutiveFailures: 3 };
    assert.equal(shouldNotify(rule, NotificationEvent.Succeeded, 0), true);
    assert.equal(shouldNotify(rule, NotificationEvent.Started, 0), true);
    assert.equal(shouldNotify(rule, NotificationEvent.Failed, 2), false);
  });
  it('treat a threshold of 0, 1 or null as every failure', () => {
    for (const n of [0, 1, null]) {
      assert.equal(shouldNotify({ events: [NotificationEvent.Failed], minConsecutiveFailures: n }, NotificationEvent.Failed, 1), true);
    }
  });
});

describe('delivery ids', () => {
  it('are the same for the same event and rule', () => {
    assert.equal(deliveryId('evt-1', 'rule-1'), deliveryId('evt-1', 'rule-1'));
  });
  it('differ across events and rules, and do not collide on concatenation', () => {
    const ids = new Set([deliveryId('evt-1', 'rule-1'), deliveryId('evt-1', 'rule-2'), deliveryId('evt-2', 'rule-1'), deliveryId('evt-1r', 'ule-1')]);
    assert.equal(ids.size, 4);
  });
  it('are version-5 UUIDs', () => {
    assert.match(deliveryId('a', 'b'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
