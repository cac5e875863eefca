import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { serviceActor } from '@ferry/contracts';
import { EventStore } from './event-store';
import { codeFingerprint, type FoldSnapshots } from './fold-snapshots';
import { foldDelivered, handleCommand, keptFold, type Decider } from './handle-command';
import { counterDecider, NATS_URL, type Counter } from './counter.fixtures';


/** Waits for a snapshot sent without confirmation to be stored. */
async function loaded<State>(snapshots: FoldSnapshots, subject: string, lastSequence: number) {
  for (let i = 0; i < 100; i++) {
    const snapshot = await snapshots.load<State, { note: string }>(subject);
    if (snapshot?.lastSequence === lastSequence) return snapshot;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`no snapshot of ${subject} at ${lastSequence}`);
}

describe('fold snapshots on a real JetStream', () => {
  const unique = randomUUID().replaceAll('-', '').slice(0, 12);
  const bucket = `T_FS_${unique}`;
  let store: EventStore;
  const causation = { correlationId: 'c', causationId: 'c', actor: serviceActor('test') };

  before(async () => {
    store = await EventStore.connect({ natsUrl: NATS_URL, stream: `T_FS_${unique}`, subjectPrefix: `t${unique}` });
  });
  after(async () => {
    const snapshots = await store.openKvBucket(bucket, { ttlMs: 60_000 });
    await snapshots.destroy();
    await store.destroyStream();
    await store.close();
  });

  it('brings a process new to a subject up to a delivered event from the snapshot another process kept, reading only what came after it', async () => {
    const snapshots = await store.openFoldSnapshots(bucket, { ttlMs: 60_000, code: 'build-1' });
    const subject = `t${unique}.mirror.snap`;
    const writer: typeof counterDecider = { ...counterDecider };
    for (let i = 0; i < 12; i++) await handleCommand(store, subject, 'c', writer, { kind: 'request' }, causation);
    const kept = keptFold<Counter>(store, subject, writer)!;
    assert.equal(kept.state.requests, 12);
    snapshots.save(subject, kept, { note: 'what the writer derived' });
    const snapshot = await loaded<Counter>(snapshots, subject, kept.lastSequence);
    assert.deepEqual(snapshot.state, { requests: 12 });
    assert.deepEqual(snapshot.attachment, { note: 'what the writer derived' });

    // Another event, then the delivered one: the new process reads the one between, not the twelve before.
    await handleCommand(store, subject, 'c', writer, { kind: 'request' }, causation);
    const previous = keptFold<Counter>(store, subject, writer)!.lastSequence;
    const delivered = (await handleCommand(store, subject, 'c', writer, { kind: 'request' }, causation)).events[0]!;
    const cold: typeof counterDecider = { ...counterDecider };
    const reads: Array<{ after: number; through?: number }> = [];
    const read = store.read.bind(store);
    store.read = (s, after, options) => (reads.push({ after: after ?? 0, through: options?.through }), read(s, after, options));
    try {
      assert.equal(await foldDelivered(store, subject, cold, delivered, previous, snapshot), true);
      assert.deepEqual(reads, [{ after: kept.lastSequence, through: previous }]);
      assert.deepEqual(keptFold<Counter>(store, subject, cold), { state: { requests: 14 }, lastSequence: delivered.position });
      // A snapshot past the delivered event's predecessor is of no use to it: the fold is read from the start.
      const late: typeof counterDecider = { ...counterDecider };
      reads.length = 0;
      assert.equal(await foldDelivered(store, subject, late, delivered, previous, { state: { requests: 99 }, lastSequence: delivered.position }), true);
      assert.deepEqual(reads, [{ after: 0, through: previous }]);
      assert.equal(keptFold<Counter>(store, subject, late)!.state.requests, 14);
    } finally {
      store.read = read;
    }
  });

  it('ignores a snapshot another build kept, and one of a subject nobody kept', async () => {
    const subject = `t${unique}.mirror.other-build`;
    const older = await store.openFoldSnapshots(bucket, { ttlMs: 60_000, code: 'build-1' });
    const newer = await store.openFoldSnapshots(bucket, { ttlMs: 60_000, code: 'build-2' });
    older.save(subject, { state: { requests: 1 }, lastSequence: 7 });
    await loaded(older, subject, 7);
    assert.equal(await newer.load(subject), undefined);
    assert.equal(await newer.load(`t${unique}.mirror.never-kept`), undefined);
  });

  it('fingerprints built code: the same files the same, any change another', () => {
    const here = require.resolve('./fold-snapshots');
    assert.equal(codeFingerprint([here]), codeFingerprint([here]));
    assert.notEqual(codeFingerprint([here]), codeFingerprint([require.resolve('@ferry/contracts')]));
  });
});
