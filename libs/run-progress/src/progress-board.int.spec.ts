import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { EventStore } from '@ferry/event-store';
import { TEST_NATS_URL, testEventLogNames } from '@ferry/testing';
import { PROGRESS_TTL_MS, ProgressBoard, type RunProgress } from './progress-board';

/** The first `count` entries a watch of `runId` yields. */
async function firstEntries(board: ProgressBoard, runId: string, count: number): Promise<RunProgress[]> {
  const stop = new AbortController();
  const seen: RunProgress[] = [];
  for await (const entry of board.watch(runId, stop.signal)) {
    seen.push(entry);
    if (seen.length === count) stop.abort();
  }
  return seen;
}

describe('the run progress board', () => {
  let store: EventStore;
  let board: ProgressBoard;
  const bucket = `TEST_PROGRESS_${randomUUID().slice(0, 8)}`;

  before(async () => {
    store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    board = await ProgressBoard.open(store, bucket);
  });

  after(async () => {
    await board?.destroy();
    await store?.destroyStream();
    await store?.close();
  });

  it('writes the first counters shortly after they come and, however often they change, the latest only once the interval comes, then the last entry', async () => {
    const run = { runId: randomUUID(), mirrorId: 'acme/app' };
    const reporter = board.reporter(run, { intervalMs: 60_000, firstWriteMs: 50 });
    for (let bytes = 1; bytes <= 500; bytes++) reporter.update({ tagsDone: 0, tagsTotal: 2, bytesCopied: bytes, bytesTotal: 1000 });
    const [first] = await firstEntries(board, run.runId, 1);
    assert.equal(first!.done, false);
    assert.equal(first!.bytesCopied, 500);
    for (let bytes = 501; bytes <= 1000; bytes++) reporter.update({ tagsDone: 0, tagsTotal: 2, bytesCopied: bytes, bytesTotal: 1000 });
    await reporter.finish();
    const last = (await board.get(run.runId))!;
    assert.equal(last.done, true);
    assert.equal(last.bytesCopied, 1000);
    assert.equal(last.mirrorId, 'acme/app');
    assert.ok(!Number.isNaN(Date.parse(last.updatedAt)));
    // A write per interval, not per update: the first one and the last one.
    const entry = await (await store.openKvBucket(bucket, { ttlMs: PROGRESS_TTL_MS })).get(run.runId);
    assert.equal(entry?.revision, 2);
  });

  it('writes only the last entry of a run that ends before its first write was due', async () => {
    const run = { runId: randomUUID(), mirrorId: 'acme/quick' };
    const kv = await store.openKvBucket(bucket, { ttlMs: PROGRESS_TTL_MS });
    // The bucket's revisions count its writes: the run's entry comes next to this one.
    const before = await kv.put(`marker-${run.runId}`, '{}');
    const reporter = board.reporter(run, { intervalMs: 60_000, firstWriteMs: 60_000 });
    reporter.update({ tagsDone: 0, tagsTotal: 1, bytesCopied: 1, bytesTotal: 2 });
    reporter.update({ tagsDone: 1, tagsTotal: 1, bytesCopied: 2, bytesTotal: 2 });
    await reporter.finish();
    const entry = await kv.get(run.runId);
    assert.equal(entry?.revision, before + 1, 'one write');
    assert.equal((entry?.json() as RunProgress).done, true);
    assert.equal((entry?.json() as RunProgress).bytesCopied, 2);
  });

  it('keeps rewriting while nothing moves, so the rate falls, and the latest comes first to a new watcher', async () => {
    let now = 1_000_000;
    const run = { runId: randomUUID(), mirrorId: 'acme/slow' };
    const reporter = board.reporter(run, { intervalMs: 20, now: () => (now += 1_000) });
    reporter.update({ tagsDone: 0, tagsTotal: 1, bytesCopied: 5_000, bytesTotal: 10_000 });
    const entries = await firstEntries(board, run.runId, 12);
    await reporter.finish();
    const rates = entries.map((e) => e.bytesPerSecond);
    assert.ok(rates[0]! > 0, `copying at first: ${rates}`);
    assert.equal(rates.at(-1), 0, `stalled at last: ${rates}`);
    assert.equal(entries.at(-1)!.etaSeconds, null);
    assert.ok(entries.every((e) => e.bytesCopied === 5_000 && !e.done));
  });

  it("shows no run another run's progress", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const reporter = board.reporter({ runId: a, mirrorId: 'x/a' }, { intervalMs: 60_000 });
    reporter.update({ tagsDone: 1, tagsTotal: 1, bytesCopied: 1, bytesTotal: 1 });
    await reporter.finish();
    assert.equal(await board.get(b), null);
    assert.equal((await board.get(a))?.runId, a);
  });
});
