import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuthorization } from './credential';
import { SignInThrottle } from './sign-in-throttle';

describe('failed sign-ins', () => {
  const options = { freeFailures: 3, baseDelayMs: 1_000, maxDelayMs: 8_000, forgetAfterMs: 60_000 };

  it('lets a few failures through, then makes each key wait twice as long after each further failure', () => {
    let now = 0;
    const throttle = new SignInThrottle(options, () => now);
    const keys = ['user:bob', 'address:10.0.0.1'];
    for (let i = 1; i <= 2; i++) {
      assert.equal(throttle.fail(keys), i);
      assert.equal(throttle.waitMs(keys), 0);
    }
    throttle.fail(keys);
    assert.equal(throttle.waitMs(keys), 1_000);
    now += 1_000;
    throttle.fail(keys);
    assert.equal(throttle.waitMs(keys), 2_000);
    now += 2_000;
    for (let i = 0; i < 5; i++) throttle.fail(keys);
    assert.equal(throttle.waitMs(keys), 8_000, 'capped');
  });

  it('slows down an address guessing at many users, and clears only the user on success', () => {
    const now = 0;
    const throttle = new SignInThrottle(options, () => now);
    for (const user of ['a', 'b', 'c']) throttle.fail([`user:${user}`, 'address:10.0.0.2']);
    assert.equal(throttle.waitMs(['user:d', 'address:10.0.0.2']), 1_000);
    assert.equal(throttle.waitMs(['user:d', 'address:10.0.0.3']), 0);
    throttle.succeed('user:c');
    assert.equal(throttle.waitMs(['user:c', 'address:10.0.0.9']), 0);
  });

  it('forgets failures after a quiet hour', () => {
    let now = 0;
    const throttle = new SignInThrottle(options, () => now);
    for (let i = 0; i < 3; i++) throttle.fail(['user:e']);
    now += 60_000;
    assert.equal(throttle.fail(['user:e']), 1);
  });
});

describe('the Authorization header', () => {
  it('reads Bearer tokens and Basic credentials, and tells a missing header from an unreadable one', () => {
    assert.deepEqual(parseAuthorization('Bearer ferry_pat_x'), { kind: 'bearer', token: 'ferry_pat_x' });
    assert.deepEqual(parseAuthorization(`Basic ${Buffer.from('ns+bot:tok:en').toString('base64')}`), { kind: 'basic', username: 'ns+bot', secret: 'tok:en' });
    assert.equal(parseAuthorization(undefined), undefined);
    for (const bad of ['Bearer', 'Token abc', `Basic ${Buffer.from('nocolon').toString('base64')}`, 'Bearer a b']) assert.equal(parseAuthorization(bad), null, bad);
  });
});
