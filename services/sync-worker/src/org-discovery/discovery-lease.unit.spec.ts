import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '@ferry/mirror';
import { holdDiscoveryLease } from './discovery-lease';

/** Lets the promise callbacks a timer started run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("a discovery's lease held between its pages", () => {
  it('is renewed every third of the lease and the message kept alive every 5 s, until stopped', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    let renewals = 0;
    let heartbeats = 0;
    const lease = holdDiscoveryLease(async () => renewals++, { leaseSeconds: 60, heartbeat: () => heartbeats++ });
    // A tick at a time: a renewal NATS has not answered yet is joined, not sent again.
    for (let i = 0; i < 3; i++) {
      t.mock.timers.tick(20_000);
      await settle();
    }
    assert.deepEqual([renewals, heartbeats], [3, 12]);
    lease.stop();
    t.mock.timers.tick(60_000);
    assert.deepEqual([renewals, heartbeats], [3, 12]);
    assert.equal(lease.lost.aborted, false);
  });

  it('is lost when the decider refuses a renewal, and kept when NATS fails one', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const answers = [new Error('NATS away'), new DomainError('STALE_RUN', 'discovery d1 no longer holds this organization mirror')];
    const renew = mock.fn(async () => {
      throw answers.shift();
    });
    const lease = holdDiscoveryLease(renew, { leaseSeconds: 30, heartbeat: () => undefined });
    t.mock.timers.tick(10_000);
    await settle();
    assert.equal(lease.lost.aborted, false, 'a failed renewal is tried again');
    t.mock.timers.tick(10_000);
    await settle();
    assert.equal(lease.lost.aborted, true);
    assert.equal((lease.lost.reason as DomainError).code, 'STALE_RUN');
    lease.stop();
  });
});
