import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { aggregateSubject, AggregateKind, serviceActor, type NewEvent, type RunEvent } from '@ferry/contracts';
import { EventStore } from '@ferry/event-store';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { openDatabase } from './data-source';
import { RepositoryUsage1764880000000 } from './migrations/1764880000000-repository-usage';
import { ProjectionRunner } from './projection-runner';
import { apiReadModels } from './projection-groups';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** Quota usage per repository from the runs' tag events, on a real log and Postgres. */
describe('the repository_usage read model', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: EventStore;
  const causation = { correlationId: 'corr', causationId: 'corr', actor: serviceActor('test') };
  const runs: Array<{ runId: string; mirrorId: string }> = [];
  /** One run of `mirrorId` recording its tags' events, as a worker's ledger does. */
  async function run(mirrorId: string, tags: Array<[tag: string, bytesCopied: number] | ['deleted', string]>): Promise<void> {
    const runId = randomUUID();
    runs.push({ runId, mirrorId });
    const subject = aggregateSubject(store.prefix, AggregateKind.Run, runId);
    for (const [tag, bytes] of tags) {
      const event: NewEvent<RunEvent> =
        tag === 'deleted'
          ? { type: 'MirrorTagDeleted', data: { mirrorId, runId, tag: String(bytes), digest: 'sha256:dd' } }
          : { type: 'MirrorTagSynced', data: { mirrorId, runId, tag, digest: `sha256:${tag}`, mediaType: MANIFEST, bytesCopied: Number(bytes), unchanged: bytes === 0 } };
      await store.append(subject, [event], { ...causation, aggregateId: runId });
    }
  }
  const usage = async () => (await ds.query('SELECT namespace, repository, bytes FROM repository_usage ORDER BY namespace, repository')).map((r: { bytes: string }) => ({ ...r, bytes: Number(r.bytes) }));

  before(async () => {
    db = await createTestDatabase();
    ds = await openDatabase(db.url);
    store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    await run('acme/app', [['v1', 1000], ['v2', 500]]);
    await run('acme/db', [['v1', 300]]);
    await run('other/app', [['v1', 7]]);
    // A rerun that copies nothing, a tag deleted, and a later run that copies a new tag.
    await run('acme/app', [['v1', 0], ['deleted', 'v2']]);
    await run('acme/app', [['v3', 25]]);
    // A proxy-cache repository's name holds a slash: the namespace is the first segment.
    await run('cache/library/nginx', [['latest', 40]]);
  });

  after(async () => {
    await store?.destroyStream();
    await store?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('sums the bytes every run wrote per repository, keeping what deleted tags wrote', async () => {
    await new ProjectionRunner(ds, store, apiReadModels).catchUp();
    assert.deepEqual(await usage(), [
      { namespace: 'acme', repository: 'app', bytes: 1525 },
      { namespace: 'acme', repository: 'db', bytes: 300 },
      { namespace: 'cache', repository: 'library/nginx', bytes: 40 },
      { namespace: 'other', repository: 'app', bytes: 7 },
    ]);
  });

  it('adds events that come later, however they are batched, and a replay rebuilds identical rows', async () => {
    await run('acme/db', [['v2', 11], ['v3', 22]]);
    await run('acme/new', [['v1', 5]]);
    // One event per transaction, then the whole log again in one: the rows are the same.
    await new ProjectionRunner(ds, store, apiReadModels, undefined, 1, 0).catchUp();
    const live = await usage();
    assert.deepEqual(live.filter((r: { namespace: string }) => r.namespace === 'acme').map((r: { repository: string; bytes: number }) => [r.repository, r.bytes]), [['app', 1525], ['db', 333], ['new', 5]]);
    await new ProjectionRunner(ds, store, apiReadModels).rebuild();
    assert.deepEqual(await usage(), live);
  });

  it("starts an existing deployment's table from its run history", async () => {
    const live = await usage();
    // The runs' rows (their mirror) as the runs projection would hold them had the mirrors' events been there.
    for (const { runId, mirrorId } of runs) {
      await ds.query(`INSERT INTO runs (run_id, mirror_id, trigger, status, attempts, scheduled_at, correlation_id) VALUES ($1, $2, 'manual', 'succeeded', 1, now(), 'corr')`, [runId, mirrorId]);
    }
    await ds.query('DROP TABLE repository_usage');
    const runner = ds.createQueryRunner();
    try {
      await new RepositoryUsage1764880000000().up(runner);
    } finally {
      await runner.release();
    }
    assert.deepEqual(await usage(), live);
  });
});
