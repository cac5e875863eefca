import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { aggregateSubject, AggregateKind, serviceActor, type MirrorConfig, type StoredEvent } from '@ferry/contracts';
import { EventStore, handleCommand } from '@ferry/event-store';
import { mirrorDecider, type MirrorCommand } from '@ferry/mirror';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL } from '@ferry/testing';
import { openDatabase } from './data-source';
import { testMirrorConfig, testRunSummary } from './mirror-config.fixtures';
import { ProjectionRunner, type Projection } from './projection-runner';
import { eventLogProjection } from './projections/event-log.projection';
import { mirrorsProjection } from './projections/mirrors.projection';
import { runsProjection } from './projections/runs.projection';
import { dueMirrorsProjection } from './projections/due-mirrors.projection';

const batchConfig = testMirrorConfig;
const batchSummary = testRunSummary;

/** Runs `test` with a database and an event log of its own, and a signal to stop its runners; all gone after it. */
async function withDatabaseAndLog(test: (ds: DataSource, store: EventStore, stop: AbortController) => Promise<void>): Promise<void> {
  const db = await createTestDatabase();
  const ds = await openDatabase(db.url);
  const store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
  const stop = new AbortController();
  try {
    await test(ds, store, stop);
  } finally {
    stop.abort();
    await store.destroyStream();
    await store.close();
    await ds.destroy();
    await db.drop();
  }
}

describe('a projection whose batch takes longer than the stall check', () => {
  it('is left to finish, not restarted from its checkpoint again and again', () =>
    withDatabaseAndLog(async (ds, store, stop) => {
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
    }));
});

describe('a projection following events that come one after another', () => {
  it('applies them in batches, and its rows are those of applying them one by one', async () => {
    const [liveDb, oneByOneDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    const [live, oneByOne] = await Promise.all([openDatabase(liveDb.url), openDatabase(oneByOneDb.url)]);
    const store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    const stop = new AbortController();
    const batches: number[] = [];
    const counter: Projection = { tables: [], apply: async () => undefined, applyAll: async (_em, events) => void batches.push(events.length) };
    const group = { name: 'batches-test', projections: [eventLogProjection, mirrorsProjection, runsProjection, counter] };
    try {
      // Gathering for 200 ms (the default is shorter) keeps the count of batches clear of a slow machine's timing.
      const runner = new ProjectionRunner(live, store, group, undefined, 200, 200);
      const running = runner.run(stop.signal);
      const causation = { correlationId: 'c', causationId: 'c', actor: serviceActor('test') };
      const at = (s: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + s * 1000);
      // A few milliseconds apart, as a busy deployment's events come: alone, each would be a batch.
      const command = async (id: string, c: MirrorCommand) => {
        await new Promise((r) => setTimeout(r, 5));
        return handleCommand(store, aggregateSubject(store.prefix, AggregateKind.Mirror, id), id, mirrorDecider, c, causation);
      };
      const config = (id: string): MirrorConfig => ({ ...batchConfig, namespace: id.split('/')[0]!, repository: id.split('/')[1]! });
      let position = 0;
      // Four mirrors, each created, run to success, and one of them deleted and created again: 25 events, one at a time.
      for (const id of ['ns/a', 'ns/b', 'ns/c', 'ns/d']) {
        await command(id, { kind: 'create', mirrorId: id, config: config(id), now: at(0) });
        const runId = randomUUID();
        const token = (await command(id, { kind: 'schedule-run', runId, now: at(1), leaseSeconds: 60 })).state.run!.fencingToken;
        await command(id, { kind: 'start-run', runId, fencingToken: token, worker: 'test/1' });
        const done = await command(id, { kind: 'complete-run', runId, fencingToken: token, outcome: 'succeeded', summary: batchSummary, now: at(5), jitter: 0 });
        position = done.events.at(-1)!.position;
      }
      await command('ns/b', { kind: 'delete' });
      await command('ns/c', { kind: 'delete' });
      position = (await command('ns/c', { kind: 'create', mirrorId: 'ns/c', config: { ...config('ns/c'), syncInterval: 60 }, now: at(9) })).events.at(-1)!.position;
      assert.equal(await runner.waitFor(position, 10_000), true);
      const events = batches.reduce((a, b) => a + b, 0);
      assert.equal(events, position);
      assert.ok(batches.length <= events / 2, `${events} events in ${batches.length} batches (${batches.join(', ')})`);

      await new ProjectionRunner(oneByOne, store, group, undefined, 1, 0).catchUp();
      const tables = async (ds: DataSource) => ({
        mirrors: await ds.query('SELECT * FROM mirrors ORDER BY mirror_id'),
        runs: await ds.query('SELECT * FROM runs ORDER BY run_id'),
        eventLog: await ds.query('SELECT * FROM event_log ORDER BY position'),
      });
      const [liveRows, oneByOneRows] = await Promise.all([tables(live), tables(oneByOne)]);
      assert.deepEqual(liveRows, oneByOneRows);
      assert.deepEqual(liveRows.mirrors.map((row: { mirror_id: string }) => row.mirror_id), ['ns/a', 'ns/c', 'ns/d']);
      assert.equal(liveRows.eventLog.length, position);
      assert.deepEqual(
        liveRows.runs.map((row: { status: string; attempts: number }) => [row.status, row.attempts]),
        Array.from({ length: 4 }, () => ['succeeded', 1]),
      );
    } finally {
      stop.abort();
      await store.destroyStream();
      await store.close();
      await Promise.all([live.destroy(), oneByOne.destroy()]);
      await Promise.all([liveDb.drop(), oneByOneDb.drop()]);
    }
  });
});

describe('a projection gathering events while a caller waits for one of them', () => {
  it('ends the batch as soon as it holds that event, not when the linger is over', () =>
    withDatabaseAndLog(async (ds, store, stop) => {
      const batches: number[][] = [];
      const counter: Projection = { tables: [], apply: async () => undefined, applyAll: async (_em, events) => void batches.push(events.map((e) => e.position)) };
      // A linger of 20 s: a caller that had to wait it out would time out (5 s) first.
      const runner = new ProjectionRunner(ds, store, { name: 'hurry-test', projections: [counter] }, undefined, 200, 20_000);
      const running = runner.run(stop.signal);
      const causation = { correlationId: 'c', causationId: 'c', actor: serviceActor('test') };
      const append = async (id: string) => (await store.append(aggregateSubject(store.prefix, AggregateKind.Mirror, id), [{ type: 'MirrorSyncNowRequested', data: { mirrorId: id } }], { ...causation, aggregateId: id })).at(-1)!.position;
      // After a quiet spell an event is applied at once; the next one begins a gathering batch.
      assert.equal(await runner.waitFor(await append('ns/a'), 5_000), true);
      assert.equal(await runner.waitFor(await append('ns/b'), 5_000), true, "the caller waiting for the batch's only event");
      // A caller waits for an event not yet there while the batch gathers another: the batch ends once it holds it.
      const third = await append('ns/c');
      const waited = runner.waitFor(third + 1, 5_000);
      assert.equal(await append('ns/d'), third + 1);
      assert.equal(await waited, true, 'the caller waiting for the event after the one the batch began with');
      assert.deepEqual(batches, [[1], [2], [3, 4]]);
      stop.abort();
      await running;
    }));
});

describe('a run scheduled again after its lease ended', () => {
  it('is one row that counts its attempts', async () => {
    const db = await createTestDatabase();
    const ds = await openDatabase(db.url);
    const store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    try {
      const runId = randomUUID();
      const scheduled = (fencingToken: number) => ({
        type: 'MirrorRunScheduled' as const,
        data: { mirrorId: 'ns/a', runId, trigger: 'scheduled' as const, fencingToken, leaseExpiresAt: '2026-01-01T00:01:00.000Z', externalReference: 'registry.example/ns/a' },
      });
      const causation = { correlationId: 'c', causationId: 'c', actor: serviceActor('test'), aggregateId: 'ns/a' };
      await store.append(aggregateSubject(store.prefix, AggregateKind.Mirror, 'ns/a'), [scheduled(1)], causation);
      await store.append(aggregateSubject(store.prefix, AggregateKind.Mirror, 'ns/a'), [scheduled(2)], causation);
      await new ProjectionRunner(ds, store, { name: 'runs-test', projections: [runsProjection] }).catchUp();
      assert.deepEqual(await ds.query('SELECT run_id, status, attempts, worker, started_at, tags_copied FROM runs'), [
        { run_id: runId, status: 'scheduled', attempts: 2, worker: null, started_at: null, tags_copied: 0 },
      ]);
    } finally {
      await store.destroyStream();
      await store.close();
      await ds.destroy();
      await db.drop();
    }
  });
});

describe('a run whose events a batch holds together', () => {
  it('is written as event by event would, a takeover and a tag included', async () => {
    const [oneByOneDb, batchDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    const [oneByOne, batched] = await Promise.all([openDatabase(oneByOneDb.url), openDatabase(batchDb.url)]);
    const store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    const stop = new AbortController();
    try {
      const runId = randomUUID();
      const mirrorId = 'ns/a';
      const base = { mirrorId, runId, externalReference: 'registry.example/ns/a' };
      const causation = { correlationId: 'c', causationId: 'c', actor: serviceActor('test'), aggregateId: mirrorId };
      const subject = aggregateSubject(store.prefix, AggregateKind.Mirror, mirrorId);
      // Scheduled, started, taken over after its lease ended (scheduled and started again elsewhere), a tag, succeeded.
      await store.append(
        subject,
        [
          { type: 'MirrorRunScheduled' as const, data: { ...base, trigger: 'scheduled' as const, fencingToken: 1, leaseExpiresAt: '2026-01-01T00:01:00.000Z' } },
          { type: 'MirrorStarted' as const, data: { ...base, trigger: 'scheduled' as const, fencingToken: 1, worker: 'w/1' } },
          { type: 'MirrorRunScheduled' as const, data: { ...base, trigger: 'scheduled' as const, fencingToken: 2, leaseExpiresAt: '2026-01-01T00:02:00.000Z' } },
          { type: 'MirrorRunResumed' as const, data: { mirrorId, runId, fencingToken: 2, worker: 'w/2' } },
          {
            type: 'MirrorTagSynced' as const,
            data: { mirrorId, runId, tag: 'v1', digest: 'sha256:aa', mediaType: 'application/vnd.oci.image.manifest.v1+json', bytesCopied: 10, unchanged: false },
          },
          { type: 'MirrorSucceeded' as const, data: { mirrorId, runId, summary: testRunSummary, nextSyncAt: '2026-01-01T01:00:00.000Z' } },
        ] as never,
        causation,
      );
      await new ProjectionRunner(oneByOne, store, { name: 'runs-test', projections: [runsProjection] }).catchUp();
      const events: StoredEvent[] = [];
      for await (const event of store.follow(1, stop.signal)) {
        events.push(event);
        if (events.length === 6) break;
      }
      await batched.transaction((em) => runsProjection.applyAll!(em, events));
      const rows = (ds: DataSource) => Promise.all([ds.query('SELECT * FROM runs'), ds.query('SELECT * FROM run_tags')]);
      const [expected, actual] = await Promise.all([rows(oneByOne), rows(batched)]);
      assert.deepEqual(actual, expected);
      assert.deepEqual(
        expected[0].map((row: { status: string; attempts: number; worker: string }) => [row.status, row.attempts, row.worker]),
        [['succeeded', 2, 'w/2']],
      );
      assert.equal(expected[1].length, 1);
    } finally {
      stop.abort();
      await store.destroyStream();
      await store.close();
      await Promise.all([oneByOne.destroy(), batched.destroy()]);
      await Promise.all([oneByOneDb.drop(), batchDb.drop()]);
    }
  });
});

describe('the due index applying a batch', () => {
  it('writes a burst of scheduled runs and of ended runs in one statement each, with the rows of event by event', async () => {
    const [oneByOneDb, batchDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    const [oneByOne, batched] = await Promise.all([openDatabase(oneByOneDb.url), openDatabase(batchDb.url)]);
    const store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    const stop = new AbortController();
    try {
      const causation = { correlationId: 'c', causationId: 'c', actor: serviceActor('test') };
      const at = (s: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + s * 1000);
      const command = (id: string, c: MirrorCommand) => handleCommand(store, aggregateSubject(store.prefix, AggregateKind.Mirror, id), id, mirrorDecider, c, causation);
      const ids = ['ns/a', 'ns/b', 'ns/c'];
      for (const id of ids) await command(id, { kind: 'create', mirrorId: id, config: { ...testMirrorConfig, namespace: 'ns', repository: id.slice(3) }, now: at(0) });
      // A burst of runs scheduled; two end, one of them is scheduled and ends again; one is given back.
      const tokens = new Map<string, { runId: string; token: number }>();
      const schedule = async (id: string, s: number) => {
        const runId = randomUUID();
        const token = (await command(id, { kind: 'schedule-run', runId, now: at(s), leaseSeconds: 60 })).state.run!.fencingToken;
        tokens.set(id, { runId, token });
      };
      const end = (id: string, s: number) => command(id, { kind: 'complete-run', runId: tokens.get(id)!.runId, fencingToken: tokens.get(id)!.token, outcome: 'succeeded', summary: testRunSummary, now: at(s), jitter: 0 });
      for (const id of ids) await schedule(id, 2);
      await end('ns/a', 3);
      await end('ns/b', 3);
      // Past ns/a's next grid point, so that it is due again.
      await schedule('ns/a', 30 * 86_400);
      await end('ns/a', 30 * 86_400 + 1);
      await command('ns/c', { kind: 'start-run', runId: tokens.get('ns/c')!.runId, fencingToken: tokens.get('ns/c')!.token, worker: 'w/1' });
      const head = await store.headPosition();

      const group = { name: 'due-test', projections: [dueMirrorsProjection] };
      await new ProjectionRunner(oneByOne, store, group, undefined, 1, 0).catchUp();
      const events: StoredEvent[] = [];
      for await (const event of store.follow(1, stop.signal)) {
        events.push(event);
        if (event.position >= head) break;
      }
      const statements: string[] = [];
      await batched.transaction(async (em) => {
        const counting = new Proxy(em, { get: (target, key) => (key === 'query' ? (sql: string, params: unknown[]) => (statements.push(sql), target.query(sql, params)) : Reflect.get(target, key)) });
        await dueMirrorsProjection.applyAll!(counting, events);
      });
      const rows = (ds: DataSource) => ds.query('SELECT * FROM due_mirrors ORDER BY mirror_id');
      const [expected, actual] = await Promise.all([rows(oneByOne), rows(batched)]);
      assert.deepEqual(actual, expected);
      assert.deepEqual(
        expected.map((row: { mirror_id: string; lease_expires_at: Date | null }) => [row.mirror_id, row.lease_expires_at !== null]),
        [['ns/a', false], ['ns/b', false], ['ns/c', true]],
      );
      const scheduledWrites = statements.filter((sql) => sql.includes('scheduled_run_id = v.run_id')).length;
      assert.equal(scheduledWrites, 2, 'the burst of three is one statement; the later run on ns/a another');
    } finally {
      stop.abort();
      await store.destroyStream();
      await store.close();
      await Promise.all([oneByOne.destroy(), batched.destroy()]);
      await Promise.all([oneByOneDb.drop(), batchDb.drop()]);
    }
  });
});

describe('a group whose projections say which events they handle', () => {
  it('passes over batches of other events without a transaction, and the next batch it writes for moves the checkpoint past them', () =>
    withDatabaseAndLog(async (ds, store, stop) => {
      const causation = { correlationId: 'c', causationId: 'c', actor: serviceActor('test') };
      const append = (id: string, type: 'MirrorSyncNowRequested' | 'MirrorCancelRequested') =>
        store.append(
          aggregateSubject(store.prefix, AggregateKind.Mirror, id),
          [type === 'MirrorSyncNowRequested' ? { type, data: { mirrorId: id } } : { type, data: { mirrorId: id, runId: null } }],
          { ...causation, aggregateId: id },
        );
      const applied: Array<[number, string]> = [];
      const picky: Projection = {
        tables: [],
        handles: new Set(['MirrorSyncNowRequested']),
        async apply(_em, event: StoredEvent) {
          applied.push([event.position, event.type]);
        },
      };
      const told: number[] = [];
      const runner = new ProjectionRunner(ds, store, { name: 'picky-test', projections: [picky] }, undefined, 200, 0);
      runner.onApplied((position) => told.push(position));
      await append('ns/a', 'MirrorSyncNowRequested');
      const running = runner.run(stop.signal);
      assert.equal(await runner.waitFor(1, 30_000), true);
      assert.equal(await runner.checkpoint(), 1);

      await append('ns/a', 'MirrorCancelRequested');
      await append('ns/b', 'MirrorCancelRequested');
      assert.equal(await runner.waitFor(3, 30_000), true, 'the passed-over events count as projected');
      assert.equal(await runner.checkpoint(), 1, 'no transaction moved the checkpoint for them');
      assert.deepEqual(told, [1], 'listeners hear only of batches that may have changed rows');

      await append('ns/b', 'MirrorSyncNowRequested');
      assert.equal(await runner.waitFor(4, 30_000), true);
      assert.equal(await runner.checkpoint(), 4);
      assert.deepEqual(applied, [[1, 'MirrorSyncNowRequested'], [4, 'MirrorSyncNowRequested']]);
      assert.deepEqual(told, [1, 4]);
      stop.abort();
      await running;
    }));
});
