import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AggregateKind, mirrorId } from '@ferry/contracts';
import { childMirrorConfig, mirrorDecider, type MirrorCommand } from '@ferry/mirror';
import type { ProgressBoard } from '@ferry/run-progress';
import { createTestDatabase, testEventLogNames, testOrgMirrorConfig, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { NotFoundError } from '../http/problem';
import { MirrorLookup } from '../mirror-lookup';
import { openServiceTestBed, refusedField, runMirror, type RunStage, type ServiceTestBed } from '../service-test-bed';
import { RunQueries } from './run-queries.service';

const APP = mirrorId('acme', 'app');
const OTHER = mirrorId('acme', 'other');
const RUN = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const summary = { startedAt: null, tagsMatched: [], tagsCopied: 2, tagsUnchanged: 1, tagsDeleted: 0, tagsFailed: 0, bytesCopied: 1024 };

/** A board that must not be asked: runs that ended have no live progress to read. */
const UNASKED_BOARD = { get: () => Promise.reject(new Error('the progress board was asked')) } as unknown as ProgressBoard;

/**
 * The mirror acme/app with three runs (succeeded, failed, then one scheduled and not yet started)
 * and acme/other with one; the runs are the mirror decider's, projected as in the service.
 */
describe('the run queries and the mirror lookup over the read models', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let lookup: MirrorLookup;
  let asked: string[];
  let runs: RunQueries;

  const mirror = (id: string, command: MirrorCommand) => bed.commands.run(AggregateKind.Mirror, id, mirrorDecider, command, bed.causation);
  /** A run of the mirror `id` at `minute`; a run is due at once only when asked for (the schedule's next one is an hour away). */
  async function runOnce(id: string, runId: string, minute: number, stage: RunStage): Promise<void> {
    await mirror(id, { kind: 'request-sync-now' });
    await runMirror((command) => mirror(id, command), runId, new Date(Date.UTC(2026, 0, 1, 0, minute)), stage, summary);
  }

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    lookup = new MirrorLookup(bed.dataSource);
    asked = [];
    const board = { get: (runId: string) => (asked.push(runId), Promise.resolve(null)) } as unknown as ProgressBoard;
    runs = new RunQueries(bed.dataSource, lookup, board);
    const org = testOrgMirrorConfig();
    for (const name of ['app', 'other']) {
      const config = childMirrorConfig(org, { repository: name, upstream: name, syncStartDate: org.syncStartDate });
      await mirror(mirrorId('acme', name), { kind: 'create', mirrorId: mirrorId('acme', name), config, now: new Date(Date.UTC(2026, 0, 1)) });
    }
    await runOnce(APP, RUN(1), 1, 'succeeded');
    await runOnce(APP, RUN(2), 2, 'failed');
    await runOnce(OTHER, RUN(4), 3, 'succeeded');
    await runOnce(APP, RUN(3), 4, 'scheduled');
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
  });

  describe('the mirror a path names', () => {
    it('finds the mirror\'s row', async () => {
      const row = await lookup.find({ namespace: 'acme', repository: 'app' });
      assert.equal(row.mirrorId, APP);
      assert.equal(await lookup.exists(APP), true);
      assert.equal((await lookup.row(OTHER))?.mirrorId, OTHER);
    });

    it('answers 404 for a repository without a mirror, and 400 naming each bad name', async () => {
      await assert.rejects(lookup.find({ namespace: 'acme', repository: 'none' }), (error: unknown) => error instanceof NotFoundError && error.message === 'no mirror is configured for acme/none');
      assert.equal(await lookup.exists(mirrorId('acme', 'none')), false);
      await assert.rejects(lookup.find({ namespace: 'Acme', repository: 'app' }), refusedField('namespace'));
      await assert.rejects(lookup.find({ namespace: 'acme', repository: '-app' }), refusedField('repository'));
    });
  });

  describe('runs', () => {
    it('lists the mirror\'s runs newest first, and asks for live progress only for the one in flight', async () => {
      asked.length = 0;
      const list = await runs.list('acme', 'app');
      assert.deepEqual(
        list.runs.map((r) => [r.run_id, r.status]),
        [
          [RUN(3), 'scheduled'],
          [RUN(2), 'failed'],
          [RUN(1), 'succeeded'],
        ],
      );
      assert.deepEqual(asked, [RUN(3)]);
      assert.deepEqual(list.runs[1]!.error, { code: 'UNAUTHORIZED', message: 'the upstream refused the credentials' });
      assert.deepEqual({ copied: list.runs[2]!.tags_copied, bytes: list.runs[2]!.bytes_copied, error: list.runs[2]!.error }, { copied: 2, bytes: 1024, error: null });
      assert.equal((await runs.list('acme', 'app', '1')).runs.length, 1);
    });

    it('reads one run of the mirror, and no other mirror\'s', async () => {
      const run = await runs.get('acme', 'app', RUN(1));
      assert.deepEqual({ id: run.run_id, status: run.status, tags: run.tags }, { id: RUN(1), status: 'succeeded', tags: [] });
      await assert.rejects(runs.get('acme', 'app', RUN(4)), (error: unknown) => error instanceof NotFoundError && error.message === `no run ${RUN(4)} for acme/app`);
      await assert.rejects(runs.get('acme', 'app', 'not-a-run'), refusedField('runId'));
    });

    it('answers 404 for the runs of a mirror that does not exist', async () => {
      await assert.rejects(runs.list('acme', 'none'), NotFoundError);
      await assert.rejects(runs.tags('acme', 'none'), NotFoundError);
    });

    it('reads no live progress for a run that ended', async () => {
      assert.equal(await new RunQueries(bed.dataSource, lookup, UNASKED_BOARD).liveProgress(RUN(1), 'succeeded'), null);
    });

    it('has an empty tag ledger before anything is written to the target', async () => {
      assert.deepEqual(await runs.tags('acme', 'app'), { tags: [] });
    });
  });

  describe('usage logs', () => {
    it('shows the mirror\'s own events and its runs\', newest first, and none of another mirror\'s', async () => {
      const { logs } = await runs.logs('acme', 'app');
      const kinds = logs.map((l) => l.kind);
      assert.equal(kinds[0], 'MirrorRunScheduled');
      assert.equal(kinds.at(-1), 'MirrorCreated');
      assert.equal(kinds.filter((k) => k === 'MirrorRunScheduled').length, 3);
      const times = logs.map((l) => Date.parse(l.datetime));
      assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
      assert.ok(logs.every((l) => JSON.stringify(l.metadata).includes('acme/app') || l.kind === 'MirrorCreated'), 'no other mirror\'s events');
      assert.equal((await runs.logs('acme', 'app', '2')).logs.length, 2);
    });
  });
});
