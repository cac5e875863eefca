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

  it('joins a renewal NATS has not answered within its tick, sends a fresh one beside it after a whole tick, and never more than two', async (t) => {
    const clock = fakeClock(t);
    const pending = new Map<number, (accepted: boolean) => void>();
    const lease = holdRunLease(
      (at) =>
        new Promise<void>((resolve, reject) => {
          pending.set(at.getTime(), (accepted) => (accepted ? resolve() : reject(new Error('timeout'))));
        }),
      { leaseSeconds: 6, heldUntil: clock.now() + 6_000, heartbeat: () => undefined, slot: { renew: async () => true }, now: clock.now },
    );
    await clock.advance(2_000);
    await clock.advance(1_000);
    const joined = lease.renew();
    assert.deepEqual([...pending.keys()], [1_002_000], 'joined within its tick');
    await clock.advance(1_000);
    assert.deepEqual([...pending.keys()], [1_002_000, 1_004_000], 'a fresh one once the first waited a whole tick (NATS may be back)');
    await clock.advance(2_000);
    assert.equal(pending.size, 2, 'never more than two');
    pending.get(1_004_000)!(true);
    await settle();
    assert.equal(lease.heldUntil(), 1_010_000);
    pending.get(1_002_000)!(false);
    assert.equal(await joined, false, 'the caller had joined the first one');
    assert.equal(lease.heldUntil(), 1_010_000, 'the stuck one changes nothing');
    await clock.advance(2_000);
    assert.ok(pending.has(1_008_000), 'the next tick renews again');
    lease.stop();
  });
});
