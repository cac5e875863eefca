import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { aggregateSubject, AggregateKind, serviceActor } from '@ferry/contracts';
import { EventStore, handleCommand } from '@ferry/event-store';
import { childMirrorConfig, mirrorDecider, orgMirrorDecider, type MirrorCommand } from '@ferry/mirror';
import { openDatabase, ProjectionRunner, schedulerReadModels } from '@ferry/read-models';
import { createTestDatabase, eventually, testEventLogNames, testOrgMirrorConfig, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { readDueIndex } from './due-index';
import type { DueIndexView } from './next-wake';

// In the future, so that a sync-now (stamped with the real clock) reads as due at any of these instants.
const T0 = new Date('2099-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const orgConfig = testOrgMirrorConfig({ syncStartDate: at(50).toISOString(), repositoryNameTemplate: '{repository}' });

describe('the scheduler\'s due indexes as its wake-up reads them (real NATS and Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: EventStore;
  let runner: ProjectionRunner;
  const causation = { correlationId: 'test', causationId: 'test', actor: serviceActor('test') };
  const mirror = (id: string, c: MirrorCommand) => handleCommand(store, aggregateSubject(store.prefix, AggregateKind.Mirror, id), id, mirrorDecider, c, causation);
  const mirrorConfig = (repository: string, syncStartDate: Date) => childMirrorConfig(orgConfig, { repository, upstream: repository, syncStartDate: syncStartDate.toISOString() });

  before(async () => {
    db = await createTestDatabase();
    ds = await openDatabase(db.url);
    store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    runner = new ProjectionRunner(ds, store, schedulerReadModels);
  });
  after(async () => {
    await store?.destroyStream();
    await store?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('reads nothing due and nothing to come while the indexes are empty', async () => {
    assert.deepEqual(await readDueIndex(ds, T0), { dueNow: false, nextDueAt: null });
  });

  it('names the earliest due_at to come over mirrors and organization mirrors, and leaves disabled mirrors out', async () => {
    await mirror('ns/later', { kind: 'create', mirrorId: 'ns/later', config: mirrorConfig('later', at(100)), now: T0 });
    await mirror('ns/off', { kind: 'create', mirrorId: 'ns/off', config: { ...mirrorConfig('off', at(10)), isEnabled: false }, now: T0 });
    await handleCommand(store, aggregateSubject(store.prefix, AggregateKind.OrgMirror, orgConfig.organization), orgConfig.organization, orgMirrorDecider, { kind: 'create', config: orgConfig }, causation);
    await runner.catchUp();
    assert.deepEqual(await readDueIndex(ds, T0), { dueNow: false, nextDueAt: at(50).getTime() }, 'the organization mirror comes first');
    assert.deepEqual(await readDueIndex(ds, at(60)), { dueNow: true, nextDueAt: at(100).getTime() });
    assert.deepEqual(await readDueIndex(ds, at(100)), { dueNow: true, nextDueAt: null });
  });

  it('is read by a listener of the running projection with the rows of the batch that woke it already committed', async () => {
    const seen: DueIndexView[] = [];
    const stop = new AbortController();
    const stopListening = runner.onApplied(() => void readDueIndex(ds, at(20)).then((view) => seen.push(view)));
    const running = runner.run(stop.signal);
    try {
      await mirror('ns/soon', { kind: 'create', mirrorId: 'ns/soon', config: mirrorConfig('soon', at(30)), now: T0 });
      await eventually(() => seen.find((view) => view.nextDueAt === at(30).getTime()), 10_000, 'a view with the new mirror in it');
      await mirror('ns/soon', { kind: 'request-sync-now' });
      await eventually(() => seen.find((view) => view.dueNow), 10_000, 'a view with the sync-now in it');
    } finally {
      stopListening();
      stop.abort();
      await running;
    }
  });
});
