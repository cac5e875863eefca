import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { aggregateSubject, AggregateKind, globTagRule, serviceActor, type OrgMirrorConfig, type StoredEvent } from '@ferry/contracts';
import { EventStore, handleCommand } from '@ferry/event-store';
import { orgMirrorDecider, type OrgMirrorCommand } from '@ferry/mirror';
import { openDatabase, ProjectionRunner, schedulerReadModels } from '@ferry/read-models';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase, testOrgMirrorConfig } from '@ferry/testing';
import { scheduleDueDiscoveries } from './due-org-mirror-scheduler';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const config: OrgMirrorConfig = testOrgMirrorConfig({ syncStartDate: T0.toISOString(), repositoryNameTemplate: '{repository}' });
const SETTINGS = { leaseSeconds: 60, batchSize: 100 };

describe('scheduling due organization discoveries (real NATS and Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: EventStore;
  let runner: ProjectionRunner;
  const causation = { correlationId: 'test', causationId: 'test', actor: serviceActor('test') };
  const command = (organization: string, c: OrgMirrorCommand) =>
    handleCommand(store, aggregateSubject(store.prefix, AggregateKind.OrgMirror, organization), organization, orgMirrorDecider, c, causation);
  const scheduledEvents = async (organization: string): Promise<StoredEvent[]> =>
    (await store.read(aggregateSubject(store.prefix, AggregateKind.OrgMirror, organization))).events.filter((e) => e.type === 'OrgDiscoveryScheduled');
  const dueAt = async (organization: string): Promise<string | null> => {
    const [row] = (await ds.query('SELECT due_at FROM due_org_mirrors WHERE organization = $1', [organization])) as Array<{ due_at: Date | null }>;
    return row?.due_at ? row.due_at.toISOString() : null;
  };

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

  it('indexes an organization mirror as due at its start date, and a disabled one as never due', async () => {
    await command('acme', { kind: 'create', config });
    await command('idle', { kind: 'create', config: { ...config, organization: 'idle', isEnabled: false } });
    await runner.catchUp();
    assert.equal(await dueAt('acme'), T0.toISOString());
    assert.equal(await dueAt('idle'), null);
    assert.deepEqual(await scheduleDueDiscoveries(ds, store, SETTINGS, at(-1)), { considered: 0, scheduled: 0, lastPosition: 0 });
  });

  it('issues one discovery when several schedulers tick at once, and none while its lease holds', async () => {
    const ticks = await Promise.all([1, 2, 3].map(() => scheduleDueDiscoveries(ds, store, SETTINGS, at(5))));
    assert.equal(ticks.reduce((n, t) => n + t.scheduled, 0), 1);
    assert.equal((await scheduledEvents('acme')).length, 1);
    await runner.catchUp();
    assert.equal(await dueAt('acme'), at(65).toISOString(), 'due again when the lease ends');
    assert.equal((await scheduleDueDiscoveries(ds, store, SETTINGS, at(30))).scheduled, 0);
  });

  it('moves the lease with each listed page, and reassigns the same discovery once the lease ends', async () => {
    const [first] = await scheduledEvents('acme');
    const { runId, fencingToken } = first!.data as { runId: string; fencingToken: number };
    await command('acme', { kind: 'start-discovery', runId, fencingToken, worker: 'w/1', now: at(6), leaseSeconds: 60 });
    const page = { cursor: 'c1', listed: 2, matched: [], added: [], failed: [] };
    await command('acme', { kind: 'record-page', runId, fencingToken, page, now: at(50), leaseSeconds: 60 });
    await runner.catchUp();
    assert.equal(await dueAt('acme'), at(110).toISOString());
    assert.equal((await scheduleDueDiscoveries(ds, store, SETTINGS, at(100))).scheduled, 0);
    const ticks = await Promise.all([1, 2].map(() => scheduleDueDiscoveries(ds, store, SETTINGS, at(111))));
    assert.equal(ticks.reduce((n, t) => n + t.scheduled, 0), 1);
    const [, reassigned] = await scheduledEvents('acme');
    assert.deepEqual(reassigned?.data, { organization: 'acme', runId, trigger: 'schedule', fencingToken: fencingToken + 1, leaseExpiresAt: at(171).toISOString() });
  });

  it('is due at the next grid point once the discovery completes, at once on sync-now, and forgotten once deleted', async () => {
    const { state } = await command('acme', { kind: 'start-discovery', runId: ((await scheduledEvents('acme'))[1]!.data as { runId: string }).runId, fencingToken: 2, worker: 'w/2', now: at(112), leaseSeconds: 60 });
    await command('acme', { kind: 'complete-discovery', runId: state.run!.runId, fencingToken: 2, outcome: 'cancelled', now: at(120), jitter: 0 });
    await runner.catchUp();
    assert.equal(await dueAt('acme'), at(3600).toISOString());
    await command('acme', { kind: 'request-sync-now' });
    await runner.catchUp();
    const due = await dueAt('acme');
    assert.ok(due && Date.parse(due) < Date.now(), 'due when asked');
    await command('acme', { kind: 'delete', deleteRepositories: false });
    await runner.catchUp();
    assert.equal((await ds.query('SELECT count(*)::int AS n FROM due_org_mirrors WHERE organization = $1', ['acme']))[0].n, 0);
  });
});
