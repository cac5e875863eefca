import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventStore } from '@ferry/event-store';
import { TEST_NATS_URL, testEventLogNames, uniqueSuffix } from '@ferry/testing';
import { UpstreamSlots, type UpstreamSlot } from './upstream-slots';

describe('the cap on runs at once per upstream host, shared by the sync-workers (real NATS KV)', () => {
  // Two workers' stores, each on its own connection.
  let stores: EventStore[];
  let workerA: UpstreamSlots;
  let workerB: UpstreamSlots;
  const bucketName = `UPSTREAM_SLOTS_${uniqueSuffix()}`;

  before(async () => {
    const names = testEventLogNames();
    stores = await Promise.all([EventStore.connect({ natsUrl: TEST_NATS_URL, ...names }), EventStore.connect({ natsUrl: TEST_NATS_URL, ...names })]);
    workerA = await UpstreamSlots.open(stores[0]!, bucketName, 60_000);
    workerB = await UpstreamSlots.open(stores[1]!, bucketName, 60_000);
  });

  after(async () => {
    await workerA.destroy();
    await stores[0]!.destroyStream();
    await Promise.all(stores.map((s) => s.close()));
  });

  it('lets no more runs hold a host than its limit, wherever each search starts, and frees a slot on release', async () => {
    const host = 'registry.example:5000';
    const held: UpstreamSlot[] = [];
    // Every search starts at the same slot: each finds the next free one after it, wrapping round.
    for (const [worker, owner] of [[workerA, 'a1'], [workerB, 'b1'], [workerA, 'a2']] as const) {
      const slot = await worker.tryAcquire(host, 3, owner, 2);
      assert.ok(slot, `${owner} takes a slot`);
      held.push(slot);
    }
    assert.deepEqual(held.map((slot) => slot.key.split('.').at(-1)), ['2', '0', '1']);
    for (const start of [0, 1, 2]) assert.equal(await workerB.tryAcquire(host, 3, `b-${start}`, start), null, 'all three held');
    assert.equal(await workerA.heldCount(host, 3), 3);
    const elsewhere = await workerB.tryAcquire('other.example', 3, 'b-other');
    assert.ok(elsewhere, 'another host has slots of its own');
    assert.equal(await held[1]!.renew(), true, 'the holder renews its slot');
    await held[1]!.release();
    assert.equal(await workerA.heldCount(host, 3), 2);
    // The released slot (0) is free again, also from a search that starts on a held one.
    const again = await workerA.tryAcquire(host, 3, 'a3', 2);
    assert.equal(again?.key.split('.').at(-1), '0');
    assert.equal(await workerB.tryAcquire(host, 3, 'b2'), null);
    for (const slot of [held[0]!, held[2]!, again!, elsewhere]) await slot.release();
    assert.equal(await workerB.heldCount(host, 3), 0);
  });

  it('gives a worker back the slot it released before any other, and takes a slot an earlier version deleted', async () => {
    const host = 'reuse.example';
    const first = await workerA.tryAcquire(host, 8, 'a1', 5);
    assert.equal(first?.key.split('.').at(-1), '5');
    await first!.release();
    // Its search would start at 1 (free), but the slot it released comes first.
    const again = await workerA.tryAcquire(host, 8, 'a2', 1);
    assert.equal(again?.key, first!.key);
    // Released by another worker: free to this one too, from its search.
    await again!.release();
    const byB = await workerB.tryAcquire(host, 8, 'b1', 5);
    assert.equal(byB?.key, first!.key);
    await byB!.release();
    // A worker of an earlier version released by deleting the key.
    const bucket = await stores[0]!.openKvBucket(bucketName, { ttlMs: 60_000 });
    await bucket.put(`${first!.key.split('.')[0]}.6`, new TextEncoder().encode('old-worker'));
    assert.equal(await workerA.heldCount(host, 8), 1);
    await bucket.delete(`${first!.key.split('.')[0]}.6`);
    assert.equal(await workerA.heldCount(host, 8), 0);
    // (A's own released slot went to B: its compare-and-set fails, and its search finds the deleted one.)
    const afterDelete = await workerA.tryAcquire(host, 8, 'a3', 6);
    assert.equal(afterDelete?.key.split('.').at(-1), '6');
    await afterDelete!.release();
  });
  it('keeps a slot whose run ended for its next run on the host, without a write, then releases it; close releases it at once', async () => {
    let now = 1_000_000;
    const handing = await UpstreamSlots.open(stores[0]!, bucketName, 60_000, 1, { handoverMs: 200, now: () => now });
    const bucket = await stores[0]!.openKvBucket(bucketName, { ttlMs: 60_000 });
    const host = 'handover.example';
    const first = await handing.tryAcquire(host, 1, 'h1');
    assert.ok(first);
    const revision = (await bucket.get(first.key))!.revision;
    await first.release();
    assert.equal(await workerB.tryAcquire(host, 1, 'b1'), null, 'set aside, the slot is still held');
    const second = await handing.tryAcquire(host, 1, 'h2');
    assert.equal(second?.key, first.key);
    assert.equal((await bucket.get(first.key))!.revision, revision, 'taken over without a write');
    // Set aside a third of the TTL after its last write: the next run writes it again before counting on it.
    await second!.release();
    now += 20_000;
    const third = await handing.tryAcquire(host, 1, 'h3');
    assert.equal(third?.key, first.key);
    assert.ok((await bucket.get(first.key))!.revision > revision, 'written again');
    await third!.release();
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(await workerB.heldCount(host, 1), 0, 'released once unclaimed');
    const fourth = await handing.tryAcquire(host, 1, 'h4');
    await fourth!.release();
    await handing.close();
    assert.equal(await workerB.heldCount(host, 1), 0, 'close released it at once');
  });
});
