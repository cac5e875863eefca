import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { serviceActor } from '@ferry/contracts';
import { EventStore } from './event-store';
import { handleCommand, type Decider } from './handle-command';
import { counterDecider, NATS_URL } from './counter.fixtures';


describe('watched folds on a real JetStream', () => {
  const unique = randomUUID().replaceAll('-', '').slice(0, 12);
  const names = { stream: `T_WF_${unique}`, subjectPrefix: `t${unique}` };
  let store: EventStore;
  let other: EventStore;
  const causation = { correlationId: 'c', causationId: 'c', actor: serviceActor('test') };

  before(async () => {
    store = await EventStore.connect({ natsUrl: NATS_URL, ...names });
    other = await EventStore.connect({ natsUrl: NATS_URL, ...names });
  });
  after(async () => {
    await other.close();
    await store.destroyStream();
    await store.close();
  });

  it('reads a subject again only after something was appended to it, by this process or another', async () => {
    const folds = await store.watchFolds(`t${unique}.quota.>`);
    const subject = `t${unique}.quota.ns`;
    const decider: typeof counterDecider = { ...counterDecider };
    let reads = 0;
    const read = store.read.bind(store);
    store.read = (s, afterSequence, options) => (reads++, read(s, afterSequence, options));
    try {
      assert.equal((await folds.load(store, subject, decider)).state.requests, 0);
      assert.equal(reads, 1, 'the first load reads');
      assert.equal((await folds.load(store, subject, decider)).state.requests, 0);
      assert.equal(reads, 1, 'nothing appended since: no read');

      await handleCommand(other, subject, 'ns', { ...counterDecider }, { kind: 'request' }, causation);
      // The append reaches the subscription as it reaches the stream: wait until a load reads again.
      for (let i = 0; i < 100 && (await folds.load(store, subject, decider)).state.requests === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal((await folds.load(store, subject, decider)).state.requests, 1, "another process's append is read");
      const readsAfterOther = reads;
      assert.equal((await folds.load(store, subject, decider)).state.requests, 1);
      assert.equal(reads, readsAfterOther, 'and then not again');

      await handleCommand(store, subject, 'ns', decider, { kind: 'request' }, causation);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal((await folds.load(store, subject, decider)).state.requests, 2);
      assert.equal(reads, readsAfterOther + 2, "this process's own append (its command read once, the load once more)");
    } finally {
      store.read = read;
      folds.close();
    }
  });
});
