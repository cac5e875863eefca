import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateSubject, AggregateKind, serviceActor, type StoredEvent } from '@ferry/contracts';
import { EventStore } from '@ferry/event-store';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL } from '@ferry/testing';
import { openDatabase } from './data-source';
import { ProjectionRunner, type Projection } from './projection-runner';

describe('a projection whose batch takes longer than the stall check', () => {
  it('is left to finish, not restarted from its checkpoint again and again', async () => {
    const db = await createTestDatabase();
    const ds = await openDatabase(db.url);
    const store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    const stop = new AbortController();
    try {
      const causation = { correlationId: 'c', causationId: 'c', actor: serviceActor('test') };
      for (let i = 0; i < 3; i++) {
        const id = `ns/slow${i}`;
        await store.append(aggregateSubject(store.prefix, AggregateKind.Mirror, id), [{ type: 'MirrorSyncNowRequested', data: { mirrorId: id } }], { ...causation, aggregateId: id });
      }
      const applied: number[] = [];
      // The first event takes longer than two stall checks (3 s each): a busy database, a long backlog.
      const slow: Projection = {
        tables: [],
        async apply(_em, event: StoredEvent) {
          applied.push(event.position);
          if (applied.length === 1) await new Promise((r) => setTimeout(r, 7_000));
        },
      };
      const errors: string[] = [];
      const runner = new ProjectionRunner(ds, store, { name: 'slow-test', projections: [slow] }, { failed: (_error, fault) => void errors.push(fault), succeeded: () => undefined }, 1);
      const running = runner.run(stop.signal);
      assert.equal(await runner.waitFor(3, 30_000), true);
      stop.abort();
      await running;
      assert.deepEqual(applied, [1, 2, 3], 'each event applied once, in order');
      assert.deepEqual(errors.filter((m) => m.includes('stopped moving')), []);
    } finally {
      stop.abort();
      await store.close();
      await ds.destroy();
      await db.drop();
    }
  });
});
