import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { aggregateSubject, AggregateKind, globTagRule, serviceActor, type MirrorConfig, type RunSummary } from '@ferry/contracts';
import { EventStore, handleCommand } from '@ferry/event-store';
import { mirrorDecider, type MirrorState } from '@ferry/mirror';
import { openDatabase, ProjectionRunner, schedulerReadModels } from '@ferry/read-models';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { scheduleDueMirrors } from './due-mirror-scheduler';
import { MirrorFoldFeed } from './mirror-folds';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const settings = { leaseSeconds: 60, batchSize: 10 };
const testMirrorConfig: MirrorConfig = {
  namespace: 'ns',
  repository: 'kept',
  isEnabled: true,
  externalReference: 'registry.example/ns/kept',
  externalRegistryUsername: null,
  externalRegistryPassword: null,
  robotUsername: 'ns+bot',
  tagRule: globTagRule(['v3.*']),
  syncStartDate: T0.toISOString(),
  syncInterval: 3600,
  externalRegistryConfig: { verifyTls: true, unsignedImages: false, proxy: { httpProxy: null, httpsProxy: null, noProxy: null } },
  architectureFilter: [],
  skopeoTimeoutInterval: 300,
};
const testRunSummary: RunSummary = { startedAt: null, tagsMatched: ['v3.1'], tagsCopied: 1, tagsUnchanged: 0, tagsDeleted: 0, tagsFailed: 0, bytesCopied: 42 };

describe('the scheduler keeping its folds of mirrors current from its projection (real NATS and Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: EventStore;
  const reads: string[] = [];
  const causation = { correlationId: 'test', causationId: 'test', actor: serviceActor('test') };
  const subject = (id: string) => aggregateSubject(store.prefix, AggregateKind.Mirror, id);

  before(async () => {
    db = await createTestDatabase();
    ds = await openDatabase(db.url);
    store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    // Which subjects commands read: the store's own read, watched.
    const read = store.read.bind(store);
    store.read = (s, ...rest) => (reads.push(s), read(s, ...rest));
  });
  after(async () => {
    await store?.destroyStream();
    await store?.close();
    await ds?.destroy();
    await db?.drop();
  });

  /**
   * A worker elsewhere starting and ending the run: appended as that process would, on a fold this
   * process does not keep (the decider is pure; the append bypasses this process's kept folds).
   */
  async function runElsewhere(id: string, state: MirrorState, lastSequence: number, end: Date): Promise<number> {
    const run = state.run!;
    const started = mirrorDecider.decide({ kind: 'start-run', runId: run.runId, fencingToken: run.fencingToken, worker: 'elsewhere/1' }, state);
    const [s] = await store.append(subject(id), started, { ...causation, aggregateId: id, expectedSequence: lastSequence });
    const afterStart = started.reduce((acc, e) => mirrorDecider.evolve(acc, e as never), state);
    const ended = mirrorDecider.decide({ kind: 'complete-run', runId: run.runId, fencingToken: run.fencingToken, outcome: 'succeeded', summary: testRunSummary, now: end, jitter: 0 }, afterStart);
    const events = await store.append(subject(id), ended, { ...causation, aggregateId: id, expectedSequence: s!.position });
    return events.at(-1)!.position;
  }

  it('schedules a mirror again without reading its subject, and reads it when the fold could not be kept current', async () => {
    const stop = new AbortController();
    const runner = new ProjectionRunner(ds, store, schedulerReadModels);
    const feed = new MirrorFoldFeed(store);
    runner.onFollowed((events, follow) => feed.followed(events, follow));
    const running = runner.run(stop.signal);
    try {
      const id = 'ns/kept';
      const created = await handleCommand(store, subject(id), id, mirrorDecider, { kind: 'create', mirrorId: id, config: { ...testMirrorConfig, namespace: 'ns', repository: 'kept' }, now: T0 }, causation);
      assert.equal(await runner.waitFor(created.events.at(-1)!.position, 10_000), true);

      for (const round of [1, 2]) {
        const now = at(round * 3600 + 1);
        reads.length = 0;
        const tick = await scheduleDueMirrors(ds, store, settings, now);
        assert.equal(tick.scheduled, 1, `round ${round}: the run is issued`);
        assert.deepEqual(reads, [], `round ${round}: decided on the kept fold`);
        const scheduled = (await store.read(subject(id))).events.at(-1)!;
        assert.equal(scheduled.type, 'MirrorRunScheduled');
        const history = await store.read(subject(id));
        const state = history.events.reduce((acc, e) => mirrorDecider.evolve(acc, e as never), mirrorDecider.initialState());
        const ended = await runElsewhere(id, state, history.lastSequence, at(round * 3600 + 2));
        assert.equal(await runner.waitFor(ended, 10_000), true);
      }

      // A run ended elsewhere while the projection was stopped, then followed again by one that
      // feeds no folds: the kept fold is stale (it still holds the run, its lease long over), so
      // the append on it conflicts, and the scheduler reads the subject and issues a new run.
      stop.abort();
      await running;
      await scheduleDueMirrors(ds, store, settings, at(3 * 3600 + 1));
      const third = await store.read(subject(id));
      const thirdState = third.events.reduce((acc, e) => mirrorDecider.evolve(acc, e as never), mirrorDecider.initialState());
      const ended = await runElsewhere(id, thirdState, third.lastSequence, at(3 * 3600 + 2));
      await new ProjectionRunner(ds, store, schedulerReadModels).catchUp();
      reads.length = 0;
      const stale = await scheduleDueMirrors(ds, store, settings, at(4 * 3600 + 1));
      assert.equal(stale.scheduled, 1);
      assert.ok(reads.includes(subject(id)), 'the stale fold was read afresh');
      const events = (await store.read(subject(id))).events;
      const scheduled = events.filter((e) => e.type === 'MirrorRunScheduled').map((e) => (e.data as { runId: string }).runId);
      assert.equal(scheduled.length, 4, 'one run per round');
      assert.equal(new Set(scheduled).size, 4, 'a new run, not the ended one taken over');
      assert.ok(events.at(-1)!.position > ended);
    } finally {
      stop.abort();
      await running;
    }
  });
});
