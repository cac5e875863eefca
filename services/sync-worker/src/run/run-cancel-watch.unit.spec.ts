import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredEvent } from '@ferry/contracts';
import { cancelsRun, watchRunStop } from './run-cancel-watch';

const metadata = { schemaVersion: 1, occurredAt: '2026-01-01T00:00:00.000Z', aggregateId: 'acme/app', correlationId: 'c', causationId: 'c', subject: 'ferry.mirror.acme/app' };
const cancelRequested = (runId: string, position: number): StoredEvent => ({ ...metadata, id: `cancel-${position}`, position, type: 'MirrorCancelRequested', data: { mirrorId: 'acme/app', runId } });
const renewed = (position: number): StoredEvent => ({
  ...metadata,
  id: `renewed-${position}`,
  position,
  type: 'MirrorLeaseRenewed',
  data: { mirrorId: 'acme/app', runId: 'r1', fencingToken: 1, leaseExpiresAt: '2026-01-01T00:01:00.000Z' },
});

/** A mirror subject the test writes to by hand; a follower ends when its signal aborts. */
function subjectFeed() {
  const waiting: Array<(event: StoredEvent) => void> = [];
  const backlog: StoredEvent[] = [];
  return {
    push(event: StoredEvent) {
      const next = waiting.shift();
      if (next) next(event);
      else backlog.push(event);
    },
    async *follow(signal: AbortSignal): AsyncIterable<StoredEvent> {
      const aborted = new Promise<null>((resolve) => signal.addEventListener('abort', () => resolve(null), { once: true }));
      while (!signal.aborted) {
        const event = backlog.shift() ?? (await Promise.race([new Promise<StoredEvent>((resolve) => waiting.push(resolve)), aborted]));
        if (event === null) return;
        yield event;
      }
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("a run's stop watch", () => {
  it("stops the run on its own cancel, not another run's, nor other events on the subject", async () => {
    const feed = subjectFeed();
    const stop = watchRunStop(feed.follow, { isCancel: cancelsRun('r1'), cancelRequested: false }, new AbortController().signal, new AbortController().signal);
    feed.push(renewed(10));
    feed.push(cancelRequested('r0', 11));
    await settle();
    assert.equal(stop.signal.aborted, false);
    feed.push(cancelRequested('r1', 12));
    await settle();
    assert.deepEqual([stop.signal.aborted, stop.cancelled()], [true, true]);
    await stop.close();
  });

  it('stops the run when its mirror is deleted', async () => {
    const feed = subjectFeed();
    const stop = watchRunStop(feed.follow, { isCancel: cancelsRun('r1'), cancelRequested: false }, new AbortController().signal, new AbortController().signal);
    feed.push({ ...metadata, id: 'deleted', position: 13, type: 'MirrorDeleted', data: { mirrorId: 'acme/app' } });
    await settle();
    assert.deepEqual([stop.signal.aborted, stop.cancelled()], [true, true]);
    await stop.close();
  });

  it('is stopped from the start when the cancel came before the claim', async () => {
    const feed = subjectFeed();
    const stop = watchRunStop(feed.follow, { isCancel: cancelsRun('r1'), cancelRequested: true }, new AbortController().signal, new AbortController().signal);
    assert.deepEqual([stop.signal.aborted, stop.cancelled()], [true, true]);
    await stop.close();
  });

  it('stops the run, not cancelled, when the worker stops or the lease is lost', async () => {
    for (const which of ['stopping', 'lease lost'] as const) {
      const feed = subjectFeed();
      const stopping = new AbortController();
      const leaseLost = new AbortController();
      const stop = watchRunStop(feed.follow, { isCancel: cancelsRun('r1'), cancelRequested: false }, stopping.signal, leaseLost.signal);
      (which === 'stopping' ? stopping : leaseLost).abort();
      assert.deepEqual([stop.signal.aborted, stop.cancelled()], [true, false], which);
      await stop.close();
    }
  });

  it('ends its watch on close, and leaves the run going when the watch itself fails', async () => {
    const failing = watchRunStop(
      async function* () {
        throw new Error('the consumer was deleted');
      },
      { isCancel: cancelsRun('r1'), cancelRequested: false },
      new AbortController().signal,
      new AbortController().signal,
    );
    await failing.close();
    assert.equal(failing.signal.aborted, false);

    const feed = subjectFeed();
    const stopping = new AbortController();
    const stop = watchRunStop(feed.follow, { isCancel: cancelsRun('r1'), cancelRequested: false }, stopping.signal, new AbortController().signal);
    await stop.close();
    stopping.abort();
    assert.equal(stop.signal.aborted, false, 'closed: it no longer listens');
  });
  it('follows the subject only once the run has lasted followAfterMs, from the claim on; a run over before never follows it', async () => {
    const follows: number[] = [];
    const feed = subjectFeed();
    const follow = (signal: AbortSignal) => (follows.push(Date.now()), feed.follow(signal));
    const short = watchRunStop(follow, { isCancel: cancelsRun('r1'), cancelRequested: false }, new AbortController().signal, new AbortController().signal, { followAfterMs: 60_000 });
    await settle();
    await short.close();
    assert.deepEqual(follows, [], 'closed before it lasted: never followed');

    // A cancel appended before the follow begins is read when it does.
    feed.push(cancelRequested('r1', 12));
    const long = watchRunStop(follow, { isCancel: cancelsRun('r1'), cancelRequested: false }, new AbortController().signal, new AbortController().signal, { followAfterMs: 20 });
    await settle();
    assert.deepEqual([follows.length, long.signal.aborted], [0, false]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await settle();
    assert.deepEqual([follows.length, long.signal.aborted, long.cancelled()], [1, true, true]);
    await long.close();
  });
});
