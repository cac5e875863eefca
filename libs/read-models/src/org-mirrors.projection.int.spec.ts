import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { aggregateSubject, AggregateKind, globTagRule, serviceActor, type OrgMirrorConfig } from '@ferry/contracts';
import { EventStore, handleCommand } from '@ferry/event-store';
import { orgMirrorDecider, type ListedPage, type OrgMirrorCommand } from '@ferry/mirror';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase, testOrgMirrorConfig } from '@ferry/testing';
import { openDatabase } from './data-source';
import { ProjectionRunner } from './projection-runner';
import { apiReadModels } from './projection-groups';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const config: OrgMirrorConfig = testOrgMirrorConfig({ externalRegistryUrl: 'https://registry.example', externalRegistryUsername: 'puller', externalRegistryPassword: { keyId: 'k1', ciphertext: 'sealed-cc' }, syncStartDate: at(0).toISOString(), repositoryFilters: ['app*'], include: [{ kind: 'regex', pattern: 'lib-.*' }], exclude: [{ kind: 'glob', pattern: '*-old' }], repositoryNameTemplate: '{repository}', architectureFilter: ['amd64'], vanished: { action: 'delete', maxDelete: { count: 5 } } });

const repo = (name: string) => ({ repository: name, upstream: `up/${name}` });
const page = (cursor: string | null, names: string[], added: string[] = names): ListedPage => ({ cursor, listed: names.length, matched: names.map(repo), added: added.map(repo), failed: [] });

async function dump(ds: DataSource): Promise<Record<string, unknown[]>> {
  return {
    org_mirrors: await ds.query('SELECT * FROM org_mirrors ORDER BY organization'),
    org_mirror_repositories: await ds.query('SELECT * FROM org_mirror_repositories ORDER BY organization, repository'),
  };
}

describe('the organization mirror read models', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: EventStore;
  const causation = { correlationId: 'corr', causationId: 'corr', actor: serviceActor('test') };
  const command = (c: OrgMirrorCommand | ((s: Parameters<typeof orgMirrorDecider.decide>[1]) => OrgMirrorCommand)) =>
    handleCommand(store, aggregateSubject(store.prefix, AggregateKind.OrgMirror, 'acme'), 'acme', orgMirrorDecider, c, causation);
  /** One whole discovery: scheduled, started, its pages, completed with what the worker deleted. */
  async function discover(runId: string, pages: ListedPage[], deleted: string[], now: Date): Promise<void> {
    const token = (await command({ kind: 'schedule-discovery', runId, now, leaseSeconds: 60 })).state.run!.fencingToken;
    await command({ kind: 'start-discovery', runId, fencingToken: token, worker: 'w/1', now, leaseSeconds: 60 });
    for (const p of pages) await command({ kind: 'record-page', runId, fencingToken: token, page: p, now, leaseSeconds: 60 });
    await command({ kind: 'complete-discovery', runId, fencingToken: token, outcome: 'succeeded', deleted, now, jitter: 0 });
  }

  before(async () => {
    db = await createTestDatabase();
    ds = await openDatabase(db.url);
    store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    await command({ kind: 'create', config });
    // First discovery: a, b, c over two pages; second: b and c are gone (deleted), d is new, a listed again.
    await discover('d1', [page('p2', ['a', 'b']), page(null, ['c'])], [], at(10));
    await discover('d2', [page(null, ['a', 'd'], ['d'])], ['b', 'c'], at(4000));
  });
  after(async () => {
    await store.destroyStream();
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  it('shows the settings, the status, the next discovery and the last one\'s summary, never the password', async () => {
    await new ProjectionRunner(ds, store, apiReadModels).catchUp();
    const [row] = await ds.query('SELECT * FROM org_mirrors');
    assert.equal(row.organization, 'acme');
    assert.equal(row.sync_status, 'SUCCESS');
    assert.equal(row.has_password, true);
    assert.equal(row.external_registry_username, 'puller');
    assert.deepEqual(row.include_patterns, config.include);
    assert.deepEqual(row.vanished, config.vanished);
    assert.equal(new Date(row.next_sync_at).toISOString(), '2026-01-01T02:00:00.000Z');
    assert.equal(row.last_discovery_id, 'd2');
    assert.equal(row.last_outcome, 'succeeded');
    assert.deepEqual({ added: row.last_summary.added, vanished: row.last_summary.vanished, deleted: row.last_summary.deleted }, { added: ['d'], vanished: ['b', 'c'], deleted: ['b', 'c'] });
    assert.equal(JSON.stringify(row).includes('sealed-cc'), true, 'the state keeps the sealed password for the next evolve');
    assert.deepEqual(row.state.repositories, {}, 'the row holds no repository list');
  });

  it('lists each discovered repository with its upstream and when it was found; the deleted ones are gone', async () => {
    const rows: { repository: string; upstream: string; discovered_at: Date; vanished_at: Date | null }[] = await ds.query('SELECT repository, upstream, discovered_at, vanished_at FROM org_mirror_repositories ORDER BY repository');
    assert.deepEqual(rows.map((r) => [r.repository, r.upstream, r.vanished_at]), [
      ['a', 'up/a', null],
      ['d', 'up/d', null],
    ]);
    // Each when the page that found it was recorded (the event's time).
    assert.ok(rows[0]!.discovered_at < rows[1]!.discovered_at);
  });

  it('marks a repository vanished under report, once, and clears the mark when a listing shows it again', async () => {
    await command((s) => ({ kind: 'update', config: { ...s.config!, vanished: { action: 'report', maxDelete: null } } }));
    await discover('d3', [page(null, ['a'], [])], [], at(8000));
    await discover('d4', [page(null, ['a'], [])], [], at(12000));
    await new ProjectionRunner(ds, store, apiReadModels).catchUp();
    const vanished = await ds.query('SELECT repository, vanished_at FROM org_mirror_repositories ORDER BY repository');
    assert.equal(vanished[0].vanished_at, null);
    const [d3Completed] = await ds.query(`SELECT occurred_at FROM event_log WHERE type = 'OrgDiscoveryCompleted' AND data->>'runId' = 'd3'`);
    assert.deepEqual(vanished[1].vanished_at, d3Completed.occurred_at, 'marked by the first discovery that missed it, not again by the next');
    await discover('d5', [page(null, ['a', 'd'], [])], [], at(16000));
    await new ProjectionRunner(ds, store, apiReadModels).catchUp();
    assert.deepEqual(await ds.query('SELECT repository, vanished_at FROM org_mirror_repositories ORDER BY repository'), [
      { repository: 'a', vanished_at: null },
      { repository: 'd', vanished_at: null },
    ]);
  });

  it('shows a cancel with nothing running as CANCEL, keeping the schedule', async () => {
    const [before] = await ds.query('SELECT next_sync_at FROM org_mirrors');
    await command({ kind: 'cancel', now: at(16001) });
    await new ProjectionRunner(ds, store, apiReadModels).catchUp();
    const [row] = await ds.query('SELECT sync_status, next_sync_at FROM org_mirrors');
    assert.deepEqual(row, { sync_status: 'CANCEL', next_sync_at: before.next_sync_at });
  });

  it('rebuilds tables identical to the live ones from the first event', async () => {
    const api = new ProjectionRunner(ds, store, apiReadModels);
    await api.catchUp();
    const live = await dump(ds);
    await api.rebuild();
    assert.deepEqual(await dump(ds), live);
  });

  it('removes the organization mirror and its repository list when it is deleted', async () => {
    await command({ kind: 'delete', deleteRepositories: false });
    await new ProjectionRunner(ds, store, apiReadModels).catchUp();
    assert.deepEqual(await dump(ds), { org_mirrors: [], org_mirror_repositories: [] });
  });
});
