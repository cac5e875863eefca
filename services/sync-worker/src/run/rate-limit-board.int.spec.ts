import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventStore } from '@ferry/event-store';
import { RateLimitGate } from '@ferry/registry-client';
import { eventually, TEST_NATS_URL, testEventLogNames, uniqueSuffix } from '@ferry/testing';
import { RateLimitBoard } from './rate-limit-board';

describe("Docker Hub's pull budget shared by the sync-workers (real NATS KV)", () => {
  // Two processes' stores: each worker opens the bucket on its own connection.
  let stores: EventStore[];
  let workerA: RateLimitBoard;
  let workerB: RateLimitBoard;
  const bucket = `RATE_LIMITS_${uniqueSuffix()}`;

  before(async () => {
    const names = testEventLogNames();
    stores = await Promise.all([EventStore.connect({ natsUrl: TEST_NATS_URL, ...names }), EventStore.connect({ natsUrl: TEST_NATS_URL, ...names })]);
    workerA = await RateLimitBoard.open(stores[0]!, bucket, 60_000);
    workerB = await RateLimitBoard.open(stores[1]!, bucket, 60_000);
  });

  after(async () => {
    workerA.close();
    await workerB.destroy();
    await stores[0]!.destroyStream();
    await Promise.all(stores.map((s) => s.close()));
  });

  it('paces the other workers of the same account once one sees the budget spent, and frees them when it returns', async () => {
    const seenByA = new RateLimitGate(10, undefined, workerA.budget('registry-1.docker.io', 'puller'));
    const waits: number[] = [];
    const gateOfB = new RateLimitGate(10, (ms) => waits.push(ms), workerB.budget('registry-1.docker.io', 'puller'));
    const otherAccount = workerB.budget('registry-1.docker.io', 'someone-else');

    seenByA.observe({ 'ratelimit-remaining': '0;w=21600' });
    await eventually(() => workerB.budget('registry-1.docker.io', 'puller').exhausted() || undefined, 5_000, 'B to learn of the spent budget');
    (await gateOfB.acquire())();
    assert.deepEqual(waits, [10], 'B paused before its manifest GET');
    assert.equal(otherAccount.exhausted(), false, 'another account keeps its own budget');

    seenByA.observe({ 'ratelimit-remaining': '100;w=21600' });
    await eventually(() => (workerB.budget('registry-1.docker.io', 'puller').exhausted() ? undefined : true), 5_000, 'B to learn of the budget back');
    (await gateOfB.acquire())();
    assert.deepEqual(waits, [10], 'no pause once the budget is back');
  });

  it('forgets a report after its time, so a worker that died does not keep the others paused', async () => {
    const shortBucket = `${bucket}_SHORT`;
    const reporter = await RateLimitBoard.open(stores[0]!, shortBucket, 1_000);
    const follower = await RateLimitBoard.open(stores[1]!, shortBucket, 1_000);
    try {
      reporter.budget('quay.io', '').report(true);
      await eventually(() => follower.budget('quay.io', '').exhausted() || undefined, 5_000, 'the report to arrive');
      reporter.close();
      await eventually(() => (follower.budget('quay.io', '').exhausted() ? undefined : true), 5_000, 'the report to expire');
    } finally {
      follower.close();
      await reporter.destroy().catch(() => undefined);
    }
  });
});
