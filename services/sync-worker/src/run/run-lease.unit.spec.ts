import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '@ferry/mirror';
import { holdRunLease } from './run-lease';

/** Lets the promise callbacks a timer started run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A clock the test moves by hand, with the mocked intervals. */
function fakeClock(t: TestContext, start = 1_000_000) {
  t.mock.timers.enable({ apis: ['setInterval'] });
  let time = start;
  return {
    now: () => time,
    advance: async (ms: number) => {
      time += ms;
      t.mock.timers.tick(ms);
      await settle();
    },
  };
}

describe("a run's lease held while it runs", () => {
  it('is renewed every third of the lease, with the upstream slot, and the message kept alive every 5 s, until stopped', async (t) => {
    const clock = fakeClock(t);
    const sent: number[] = [];
    let slotRenewals = 0;
    let heartbeats = 0;
    const lease = holdRunLease(async (at) => void sent.push(at.getTime()), {
      leaseSeconds: 6,
      heldUntil: clock.now() + 6_000,
      heartbeat: () => heartbeats++,
      slot: { renew: async () => void slotRenewals++ },
      now: clock.now,
    });
    for (let i = 0; i < 15; i++) await clock.advance(1_000);
    assert.deepEqual(sent, [1_002_000, 1_004_000, 1_006_000, 1_008_000, 1_010_000, 1_012_000, 1_014_000]);
    assert.deepEqual([slotRenewals, heartbeats], [7, 3]);
    assert.equal(lease.heldUntil(), 1_014_000 + 6_000, 'held until the last accepted renewal was sent, plus the lease');
    lease.stop();
    await clock.advance(60_000);
    assert.equal(sent.length, 7);
    assert.equal(lease.lost.aborted, false);
  });

  it('runs out at its last accepted renewal plus the lease while NATS does not answer, and is held again once a renewal lands', async (t) => {
    const clock = fakeClock(t);
    let natsAway = true;
    const lease = holdRunLease(
      async () => {
        if (natsAway) throw new Error('timeout');
      },
      { leaseSeconds: 6, heldUntil: clock.now() + 6_000, heartbeat: () => undefined, slot: { renew: async () => true }, now: clock.now },
    );
    await clock.advance(7_000);
    assert.equal(lease.heldUntil(), 1_006_000, 'failed renewals do not move it');
    assert.ok(lease.heldUntil() < clock.now(), 'no longer known to be held');
    assert.equal(lease.lost.aborted, false, 'not lost: only a refusal says another worker has it');
    assert.equal(await lease.renew(), false);
    natsAway = false;
    assert.equal(await lease.renew(), true);
    assert.equal(lease.heldUntil(), 1_007_000 + 6_000);
    lease.stop();
  });

  it('is lost when the decider refuses a renewal, and asks no more', async (t) => {
    const clock = fakeClock(t);
    const refusal = new DomainError('STALE_RUN', 'run r1 no longer holds this mirror');
    let asked = 0;
    const lease = holdRunLease(
      async () => {
        asked++;
        throw refusal;
      },
      { leaseSeconds: 6, heldUntil: clock.now() + 6_000, heartbeat: () => undefined, slot: { renew: async () => true }, now: clock.now },
    );
    await clock.advance(2_000);
    assert.equal(lease.lost.aborted, true);
    assert.equal(lease.lost.reason, refusal);
    assert.equal(await lease.renew(), false);
    await clock.advance(4_000);
    assert.equal(asked, 1);
    assert.equal(lease.heldUntil(), 1_006_000);
    lease.stop();
  });

  it('sends one renewal at a time: ticks and callers join the one NATS has not answered yet', async (t) => {
    const clock = fakeClock(t);
    const pending: Array<() => void> = [];
    const sent: number[] = [];
    const lease = holdRunLease(
      (at) => {
        sent.push(at.getTime());
        return new Promise<void>((resolve) => pending.push(resolve));
      },
      { leaseSeconds: 6, heldUntil: clock.now() + 6_000, heartbeat: () => undefined, slot: { renew: async () => true }, now: clock.now },
    );
    await clock.advance(2_000);
    const joined = lease.renew();
    await clock.advance(4_000);
    assert.deepEqual(sent, [1_002_000], 'one renewal while NATS is away');
    pending.shift()!();
    assert.equal(await joined, true);
    assert.equal(lease.heldUntil(), 1_008_000);
    await clock.advance(2_000);
    assert.deepEqual(sent, [1_002_000, 1_008_000], 'the next tick renews again');
    lease.stop();
  });
});
