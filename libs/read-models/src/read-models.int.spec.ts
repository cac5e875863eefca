import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { aggregateSubject, AggregateKind, serviceActor, type MirrorConfig } from '@ferry/contracts';
import { EventStore, handleCommand } from '@ferry/event-store';
import { mirrorDecider, type MirrorCommand } from '@ferry/mirror';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { openDatabase } from './data-source';
import { testMirrorConfig, testRunSummary } from './mirror-config.fixtures';
import { ProjectionRunner } from './projection-runner';
import { apiReadModels, schedulerReadModels } from './projection-groups';

const config = testMirrorConfig;
const summary = testRunSummary;

async function dump(ds: DataSource, tables: string[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of tables) out[table] = await ds.query(`SELECT * FROM ${table} ORDER BY 1, 2`);
  return out;
}

describe('read models built from the event log', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: EventStore;
  const causation = { correlationId: 'corr', causationId: 'corr', actor: serviceActor('test') };
  const mirrorSubject = () => aggregateSubject(store.prefix, AggregateKind.Mirror, 'ns/repo');
  const command = (c: MirrorCommand) => handleCommand(store, mirrorSubject(), 'ns/repo', mirrorDecider, c, causation);

  before(async () => {
    db = await createTestDatabase();
    ds = await openDatabase(db.url);
    store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    const t = (s: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + s * 1000);
    await command({ kind: 'create', mirrorId: 'ns/repo', config, now: t(0) });
    const runId = randomUUID();
    const scheduled = await command({ kind: 'schedule-run', runId, now: t(1), leaseSeconds: 60 });
    const token = scheduled.state.run!.fencingToken;
    await command({ kind: 'start-run', runId, fencingToken: token, worker: 'test/1' });
    const runSubject = aggregateSubject(store.prefix, AggregateKind.Run, runId);
    await store.append(runSubject, [{ type: 'MirrorTagSynced', data: { mirrorId: 'ns/repo', runId, tag: 'v3.1', digest: 'sha256:aa', mediaType: 'application/vnd.oci.image.manifest.v1+json', bytesCopied: 42, unchanged: false } }], { ...causation, aggregateId: runId });
    await store.append(runSubject, [{ type: 'MirrorTagDeleted', data: { mirrorId: 'ns/repo', runId, tag: 'old', digest: 'sha256:bb' } }], { ...causation, aggregateId: runId });
    await command({ kind: 'complete-run', runId, fencingToken: token, outcome: 'succeeded', summary, now: t(5), jitter: 0 });
  });
  after(async () => {
    await store.destroyStream();
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  it('shows the mirror, its run, its tags and the archive after catching up', async () => {
    const api = new ProjectionRunner(ds, store, apiReadModels);
    await api.catchUp();
    const [mirror] = await ds.query('SELECT sync_status, sync_retries_remaining, next_sync_at FROM mirrors');
    assert.equal(mirror.sync_status, 'SUCCESS');
    assert.equal(new Date(mirror.next_sync_at).toISOString(), '2026-01-01T01:00:00.000Z');
    const [run] = await ds.query('SELECT status, tags_copied, tags_deleted, bytes_copied FROM runs');
    assert.deepEqual({ ...run, bytes_copied: Number(run.bytes_copied) }, { status: 'succeeded', tags_copied: 1, tags_deleted: 1, bytes_copied: 42 });
    assert.deepEqual(await ds.query('SELECT tag, digest FROM tags'), [{ tag: 'v3.1', digest: 'sha256:aa' }]);
    assert.equal((await ds.query('SELECT count(*)::int AS n FROM event_log'))[0].n, 6);
  });

  it('applies an event seen twice only once', async () => {
    const api = new ProjectionRunner(ds, store, apiReadModels);
    const history = await store.read(mirrorSubject());
    assert.equal(await api.applyEvent(history.events[0]!), false);
    assert.equal((await ds.query('SELECT count(*)::int AS n FROM mirrors'))[0].n, 1);
  });

  it('rebuilds tables identical to the live ones from the first event', async () => {
    const tables = ['mirrors', 'runs', 'run_tags', 'tags', 'robots', 'notification_rules', 'event_log'];
    const api = new ProjectionRunner(ds, store, apiReadModels);
    await api.catchUp();
    const live = await dump(ds, tables);
    await api.rebuild();
    assert.deepEqual(await dump(ds, tables), live);
  });

  it('refuses to change or delete the archive', async () => {
    await assert.rejects(ds.query('DELETE FROM event_log'), /append-only/);
    await assert.rejects(ds.query(`UPDATE event_log SET type = 'x'`), /append-only/);
    await assert.rejects(ds.query('TRUNCATE event_log'), /append-only/);
  });

  it('indexes the mirror as due at its next grid point for the scheduler', async () => {
    const scheduler = new ProjectionRunner(ds, store, schedulerReadModels);
    await scheduler.catchUp();
    const [row] = await ds.query('SELECT due_at FROM due_mirrors');
    assert.equal(new Date(row.due_at).toISOString(), '2026-01-01T01:00:00.000Z');
  });

  it('migrates a mirror stored with tag_patterns to the tag_rule a replay builds', async () => {
    const live = await dump(ds, ['mirrors']);
    // Undo the later migrations too, down to and including the tag rule's.
    for (;;) {
      const [last] = await ds.query('SELECT name FROM ferry_migrations ORDER BY id DESC LIMIT 1');
      await ds.undoLastMigration({ transaction: 'each' });
      if (last.name === 'MirrorTagRule1764700000000') break;
    }
    const [old] = await ds.query('SELECT tag_patterns, state FROM mirrors');
    assert.deepEqual(old.tag_patterns, ['v3.*']);
    assert.deepEqual(old.state.config.tagPatterns, ['v3.*']);
    assert.equal('tagRule' in old.state.config, false);
    await ds.runMigrations({ transaction: 'each' });
    assert.deepEqual(await dump(ds, ['mirrors']), live);
  });

  it('reads a MirrorUpdated stored with tagPatterns (before the tag rule) as a glob rule', async () => {
    const { tagRule: _rule, ...rest } = config;
    const old = { ...rest, tagPatterns: ['v9.*', 'stable'] } as unknown as MirrorConfig;
    await store.append(mirrorSubject(), [{ type: 'MirrorUpdated', data: { mirrorId: 'ns/repo', config: old, nextSyncAt: '2026-01-01T01:00:00.000Z' } }], { ...causation, aggregateId: 'ns/repo' });
    const api = new ProjectionRunner(ds, store, apiReadModels);
    await api.catchUp();
    const [row] = await ds.query('SELECT tag_rule, state FROM mirrors');
    assert.deepEqual(row.tag_rule, { include: [{ kind: 'glob', patterns: ['v9.*', 'stable'] }], exclude: [] });
    assert.deepEqual(row.state.config.tagRule, row.tag_rule);
    assert.equal('tagPatterns' in row.state.config, false);
  });
});

describe('a run whose changes a rollback undid', () => {
  it('leaves the tags as the target holds them again, and records each put-back tag on the run', async () => {
    const db = await createTestDatabase();
    const ds = await openDatabase(db.url);
    const store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    try {
      const causation = { correlationId: 'corr', causationId: 'corr', actor: serviceActor('test') };
      const command = (c: MirrorCommand) => handleCommand(store, aggregateSubject(store.prefix, AggregateKind.Mirror, 'ns/repo'), 'ns/repo', mirrorDecider, c, causation);
      const now = new Date('2026-01-01T00:00:00Z');
      await command({ kind: 'create', mirrorId: 'ns/repo', config, now });
      const runId = randomUUID();
      const token = (await command({ kind: 'schedule-run', runId, now, leaseSeconds: 60 })).state.run!.fencingToken;
      await command({ kind: 'start-run', runId, fencingToken: token, worker: 'test/1' });
      const runSubject = aggregateSubject(store.prefix, AggregateKind.Run, runId);
      const oci = 'application/vnd.oci.image.manifest.v1+json';
      const synced = (tag: string, digest: string) => ({ type: 'MirrorTagSynced' as const, data: { mirrorId: 'ns/repo', runId, tag, digest, mediaType: oci, bytesCopied: 1, unchanged: false } });
      await store.append(runSubject, [synced('moved', 'sha256:new'), synced('created', 'sha256:c')], { ...causation, aggregateId: runId });
      await store.append(
        runSubject,
        [
          { type: 'MirrorTagRolledBack', data: { mirrorId: 'ns/repo', runId, tag: 'moved', digest: 'sha256:old', mediaType: oci } },
          { type: 'MirrorTagRolledBack', data: { mirrorId: 'ns/repo', runId, tag: 'created', digest: null, mediaType: null } },
        ],
        { ...causation, aggregateId: runId },
      );
      const api = new ProjectionRunner(ds, store, apiReadModels);
      await api.catchUp();
      assert.deepEqual(await ds.query('SELECT tag, digest FROM tags ORDER BY tag'), [{ tag: 'moved', digest: 'sha256:old' }]);
      assert.deepEqual(await ds.query('SELECT tag, result, digest FROM run_tags ORDER BY tag'), [
        { tag: 'created', result: 'rolled_back', digest: null },
        { tag: 'moved', result: 'rolled_back', digest: 'sha256:old' },
      ]);
    } finally {
      await store.destroyStream();
      await store.close();
      await ds.destroy();
      await db.drop();
    }
  });
});

describe("the scheduler's index of a mirror an upstream pushed to", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: EventStore;
  let scheduler: ProjectionRunner;
  const causation = { correlationId: 'corr', causationId: 'corr', actor: serviceActor('test') };
  const t = (ms: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + ms);
  const command = (c: MirrorCommand) => handleCommand(store, aggregateSubject(store.prefix, AggregateKind.Mirror, 'ns/repo'), 'ns/repo', mirrorDecider, c, causation);
  const dueAt = async (): Promise<string | null> => {
    await scheduler.catchUp();
    const [row] = await ds.query('SELECT due_at FROM due_mirrors');
    return row.due_at === null ? null : new Date(row.due_at).toISOString();
  };

  before(async () => {
    db = await createTestDatabase();
    ds = await openDatabase(db.url);
    store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    scheduler = new ProjectionRunner(ds, store, schedulerReadModels);
    // Its grid's first point is an hour away: only pushes make it due sooner.
    await command({ kind: 'create', mirrorId: 'ns/repo', config: { ...config, syncStartDate: t(3_600_000).toISOString() }, now: t(0) });
  });
  after(async () => {
    await store.destroyStream();
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  it('is due 500 ms after the first push of a burst, whatever the later pushes', async () => {
    assert.equal(await dueAt(), t(3_600_000).toISOString());
    await command({ kind: 'receive-push', hookId: 'h', tags: ['v3.1'], now: t(1_000) });
    assert.equal(await dueAt(), t(1_500).toISOString());
    await command({ kind: 'receive-push', hookId: 'h', tags: ['v3.2'], now: t(1_300) });
    assert.equal(await dueAt(), t(1_500).toISOString());
  });

  it('keeps a push that arrives while a run holds the lease due once the run ends', async () => {
    const runId = randomUUID();
    const scheduled = await command({ kind: 'schedule-run', runId, now: t(1_500), leaseSeconds: 60 });
    assert.equal(await dueAt(), t(61_500).toISOString(), 'the run holds it until its lease ends');
    await command({ kind: 'receive-push', hookId: 'h', tags: ['v3.3'], now: t(2_000) });
    assert.equal(await dueAt(), t(61_500).toISOString());
    const token = scheduled.state.run!.fencingToken;
    await command({ kind: 'complete-run', runId, fencingToken: token, outcome: 'succeeded', summary: { ...summary, tagsMatched: ['v3.1', 'v3.2'] }, now: t(3_000), jitter: 0 });
    assert.equal(await dueAt(), t(2_500).toISOString(), 'the push that waited');
    const next = await command({ kind: 'schedule-run', runId: randomUUID(), now: t(3_000), leaseSeconds: 60 });
    assert.deepEqual(next.state.run!.tags, ['v3.3']);
    await command({ kind: 'complete-run', runId: next.state.run!.runId, fencingToken: next.state.run!.fencingToken, outcome: 'succeeded', summary, now: t(4_000), jitter: 0 });
    assert.equal(await dueAt(), t(3_600_000).toISOString(), 'no push waits: back to its grid');
  });
});
