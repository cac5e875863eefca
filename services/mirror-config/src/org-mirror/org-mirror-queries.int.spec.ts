import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { aggregateSubject, AggregateKind, globTagRule, mirrorId, RepositoryState, serviceActor, type OrgMirrorConfig } from '@ferry/contracts';
import { EventStore, handleCommand } from '@ferry/event-store';
import { repositoryDecider, type RepositoryCommand } from '@ferry/identity';
import { childMirrorConfig, mirrorDecider, orgMirrorDecider, type ListedPage, type MirrorCommand, type OrgMirrorCommand } from '@ferry/mirror';
import { apiReadModels, openDatabase, ProjectionRunner } from '@ferry/read-models';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase, testOrgMirrorConfig } from '@ferry/testing';
import { runMirror } from '../service-test-bed';
import { OrgMirrorQueries } from './org-mirror-queries';

const config: OrgMirrorConfig = testOrgMirrorConfig({ externalRegistryUrl: 'https://registry.example', repositoryNameTemplate: '{repository}', tagRule: globTagRule(['*']) });
const NAMES = ['app1', 'app2', 'app3', 'app4', 'app5'];

/**
 * Five discovered repositories, each in another state: app1's run succeeded, app2's failed, app3
 * runs now, app4 has no mirror (nor repository) yet, app5 vanished upstream.
 */
describe('the organization mirror\'s queries over the read models', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: EventStore;
  let queries: OrgMirrorQueries;
  const causation = { correlationId: 'corr', causationId: 'corr', actor: serviceActor('test') };
  const subject = (kind: AggregateKind, id: string) => aggregateSubject(store.prefix, kind, id);
  const org = (command: OrgMirrorCommand) => handleCommand(store, subject(AggregateKind.OrgMirror, 'acme'), 'acme', orgMirrorDecider, command, causation);
  const mirror = (name: string, command: MirrorCommand) => handleCommand(store, subject(AggregateKind.Mirror, mirrorId('acme', name)), mirrorId('acme', name), mirrorDecider, command, causation);
  const repository = (name: string, command: RepositoryCommand) => handleCommand(store, subject(AggregateKind.Repository, mirrorId('acme', name)), mirrorId('acme', name), repositoryDecider, command, causation);
  const page = (cursor: string | null, names: string[], added = names): ListedPage => ({
    cursor,
    listed: names.length,
    matched: names.map((n) => ({ repository: n, upstream: n })),
    added: added.map((n) => ({ repository: n, upstream: n })),
    failed: [],
  });
  async function discover(runId: string, pages: ListedPage[], now: Date): Promise<void> {
    const token = (await org({ kind: 'schedule-discovery', runId, now, leaseSeconds: 60 })).state.run!.fencingToken;
    await org({ kind: 'start-discovery', runId, fencingToken: token, worker: 'w/1', now, leaseSeconds: 60 });
    for (const p of pages) await org({ kind: 'record-page', runId, fencingToken: token, page: p, now, leaseSeconds: 60 });
    await org({ kind: 'complete-discovery', runId, fencingToken: token, outcome: 'succeeded', now, jitter: 0 });
  }
  before(async () => {
    db = await createTestDatabase();
    ds = await openDatabase(db.url);
    store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    queries = new OrgMirrorQueries(ds);
    await org({ kind: 'create', config });
    await discover('d1', [page('p2', NAMES.slice(0, 3)), page(null, NAMES.slice(3))], new Date('2026-01-01T00:00:00Z'));
    // What the worker does for each found repository (its own branch): the repository, then its mirror.
    for (const name of ['app1', 'app2', 'app3', 'app5']) {
      await repository(name, { kind: 'create', namespace: 'acme', repository: name, description: '', visibility: 'private', state: RepositoryState.OrgMirror });
      await mirror(name, { kind: 'create', mirrorId: mirrorId('acme', name), config: childMirrorConfig(config, { repository: name, upstream: name, syncStartDate: config.syncStartDate }), now: new Date('2026-01-01T00:00:00Z') });
    }
    const runAt = new Date('2026-01-01T00:00:10Z');
    await runMirror((command) => mirror('app1', command), '00000000-0000-4000-8000-000000000001', runAt, 'succeeded');
    await runMirror((command) => mirror('app2', command), '00000000-0000-4000-8000-000000000002', runAt, 'failed');
    await runMirror((command) => mirror('app3', command), '00000000-0000-4000-8000-000000000003', runAt, 'started');
    await discover('d2', [page(null, ['app1', 'app2', 'app3', 'app4'], [])], new Date('2026-01-01T01:00:00Z'));
    await new ProjectionRunner(ds, store, apiReadModels).catchUp();
  });
  after(async () => {
    await store.destroyStream();
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  it('counts the repositories by Quay\'s statuses, every status present', async () => {
    assert.deepEqual(await queries.statusCounts('acme'), { CANCEL: 0, FAIL: 1, NEVER_RUN: 1, SUCCESS: 1, SYNCING: 1, SYNC_NOW: 0, SKIP: 1 });
    assert.deepEqual(await queries.statusCounts('nobody'), { CANCEL: 0, FAIL: 0, NEVER_RUN: 0, SUCCESS: 0, SYNCING: 0, SYNC_NOW: 0, SKIP: 0 });
  });

  it('lists a page by name with each repository\'s status, last run and whether its repository exists', async () => {
    const { rows, total } = await queries.repositories('acme', { page: 1, limit: 10 });
    assert.equal(total, 5);
    assert.deepEqual(
      rows.map((r) => [r.repository, r.status, r.repositoryExists, r.lastSyncAt !== null, r.lastError, r.vanishedAt !== null]),
      [
        ['app1', 'SUCCESS', true, true, null, false],
        ['app2', 'FAIL', true, true, 'the upstream refused the credentials', false],
        ['app3', 'SYNCING', true, false, null, false],
        ['app4', 'NEVER_RUN', false, false, null, false],
        ['app5', 'SKIP', true, false, null, true],
      ],
    );
  });

  it('pages, and filters by status', async () => {
    const second = await queries.repositories('acme', { page: 2, limit: 2 });
    assert.deepEqual({ total: second.total, names: second.rows.map((r) => r.repository) }, { total: 5, names: ['app3', 'app4'] });
    const skipped = await queries.repositories('acme', { page: 1, limit: 10, status: 'SKIP' });
    assert.deepEqual({ total: skipped.total, names: skipped.rows.map((r) => r.repository) }, { total: 1, names: ['app5'] });
    assert.equal((await queries.repositories('acme', { page: 1, limit: 10, status: 'CANCEL' })).total, 0);
  });

  it('samples each organization mirror for the metrics: discovered, syncing, failing', async () => {
    assert.deepEqual(await queries.samples(), [{ organization: 'acme', discovered: 5, syncing: 1, failing: 1 }]);
  });

  it('reads the organization mirror\'s own events for its usage log, newest first', async () => {
    const logs = await queries.logs('acme', 3);
    assert.deepEqual(
      logs.map((e) => e.type),
      ['OrgDiscoveryCompleted', 'OrgDiscoveryPageListed', 'OrgDiscoveryStarted'],
    );
    assert.equal((await queries.logs('acme', 500)).every((e) => e.type.startsWith('Org')), true, 'not the organization\'s own events');
  });

  it('knows whether an organization has a mirror and whether it holds repositories', async () => {
    assert.equal(await queries.exists('acme'), true);
    assert.equal(await queries.exists('other'), false);
    assert.equal(await queries.organizationHasRepositories('acme'), true);
    assert.equal(await queries.organizationHasRepositories('other'), false);
  });
});
