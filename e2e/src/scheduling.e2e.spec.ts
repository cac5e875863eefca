import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTestDatabase,
  eventually,
  listTags,
  manifestDigest,
  pushImage,
  startRegistry,
  startSlowUpstream,
  testEventLogNames,
  type RunningRegistry,
  type SlowUpstream,
  type TestDatabase,
} from '@ferry/testing';
import { destroyEventLog, readEventLog } from './event-log';
import { apiClient, createOrganizationWithRobot, onDemandMirrorBody, runningRun } from './api-client';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';

const MiB = 1024 * 1024;
const WORKERS = ['sync-worker', 'sync-worker-2', 'sync-worker-3', 'sync-worker-4'];

interface Run {
  run_id: string;
  status: string;
  attempts: number;
  scheduled_at: string;
  error: { code: string; message: string } | null;
}

describe('runs that never wedge: leases, cancel, two schedulers, four workers, retries', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let slow: SlowUpstream;
  let broken: SlowUpstream;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  const names = testEventLogNames();
  let bigDigest: string;

  const api = apiClient(() => ferry);

  async function createMirror(repo: string, upstreamRef: string, extra: Record<string, unknown> = {}): Promise<void> {
    const res = await api('POST', `/repository/${repo}/mirror`, onDemandMirrorBody(upstreamRef, 'fleet+syncer', ['v1'], { sync_interval: 3600, ...extra }));
    assert.equal(res.status, 201, JSON.stringify(res.json));
  }

  const mirror = async (repo: string) => (await api('GET', `/repository/${repo}/mirror`)).json;
  const runs = async (repo: string): Promise<Run[]> => (await api('GET', `/repository/${repo}/mirror/runs`)).json.runs;

  const runningOn = (repo: string) => runningRun(api, repo);

  async function finished(repo: string, status: string[] = ['SUCCESS']): Promise<any> {
    return eventually(async () => {
      const m = await mirror(repo);
      return status.includes(m.sync_status) && !m.current_run_id ? m : undefined;
    }, 60_000, `${repo} to reach ${status.join('/')}`);
  }

  before(async () => {
    [upstream, target, db] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase()]);
    slow = await startSlowUpstream(upstream.url);
    broken = await startSlowUpstream(upstream.url);
    broken.failWith(503);
    bigDigest = (await pushImage(upstream, 'big/app', 'v1', { mediaType: 'oci', layers: [{ seed: 'big-layer', size: 24 * MiB }] })).digest;
    for (let i = 0; i < 6; i++) {
      await pushImage(upstream, `small/app-${i}`, 'v1', { mediaType: 'docker', layers: [{ seed: `small-${i}`, size: 768 * 1024 }] });
    }
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      FERRY_RUN_LEASE_SECONDS: '6',
      FERRY_UPSTREAM_HOST_LIMIT: '2',
      FERRY_RETRY_BASE_SECONDS: '2',
      FERRY_WORKER_CONCURRENCY: '2',
    });
    for (const extra of WORKERS.slice(1)) ferry.start('sync-worker', {}, extra);
    ferry.start('scheduler', {}, 'scheduler-2');
    await createOrganizationWithRobot(api, 'fleet');
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([slow?.close(), broken?.close()]);
    await Promise.all([upstream?.stop(), target?.stop()]);
    await db?.drop();
  });

  it('finishes a run on another worker, with one terminal event, after its worker is killed mid-copy', async () => {
    await createMirror('fleet/killed', `${slow.host}/big/app`);
    slow.setBytesPerSecond(3 * MiB);
    assert.equal((await api('POST', '/repository/fleet/killed/mirror/sync-now')).status, 204);
    const { runId, worker } = await runningOn('fleet/killed');
    const victim = WORKERS.find((w) => worker.endsWith(`/${ferry.pid(w)}`));
    assert.ok(victim, `worker ${worker} is one of ours`);
    await new Promise((r) => setTimeout(r, 1_500));
    await ferry.stop(victim, 'SIGKILL');
    const done = await finished('fleet/killed');
    assert.equal(done.last_run_id, runId, 'the same run was finished, not a new one');
    const run = (await api('GET', `/repository/fleet/killed/mirror/runs/${runId}`)).json;
    assert.equal(run.status, 'succeeded');
    assert.notEqual(run.worker, worker, 'another worker finished it');
    const terminal = (await readEventLog(names)).filter(
      (e) => ['MirrorSucceeded', 'MirrorFailed', 'MirrorCancelled'].includes(e.type) && (e.data as { runId: string }).runId === runId,
    );
    assert.equal(terminal.length, 1);
    assert.equal(await manifestDigest(target, 'fleet/killed', 'v1'), bigDigest);
  });

  it('keeps a run going through a config PUT made while it copies', async () => {
    await createMirror('fleet/edited', `${slow.host}/big/app`);
    slow.setBytesPerSecond(6 * MiB);
    assert.equal((await api('POST', '/repository/fleet/edited/mirror/sync-now')).status, 204);
    await runningOn('fleet/edited');
    const put = await api('PUT', '/repository/fleet/edited/mirror', { sync_interval: 7200, is_enabled: false });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    const done = await finished('fleet/edited');
    assert.equal(done.sync_interval, 7200);
    assert.equal(done.is_enabled, false);
    assert.equal(await manifestDigest(target, 'fleet/edited', 'v1'), bigDigest);
  });

  it('runs another mirror beside a huge copy, then cancels the copy in under 2 s, deleting nothing, and can sync again', async () => {
    await pushImage(target, 'fleet/cancelled', 'keep-me', { mediaType: 'docker', layers: [{ seed: 'keep', size: 1024 }] });
    await createMirror('fleet/cancelled', `${slow.host}/big/app`);
    slow.setBytesPerSecond(1 * MiB);
    assert.equal((await api('POST', '/repository/fleet/cancelled/mirror/sync-now')).status, 204);
    const { runId } = await runningOn('fleet/cancelled');
    // While the huge copy runs, another mirror still gets a worker and finishes.
    await createMirror('fleet/beside', `${upstream.host}/small/app-0`);
    assert.equal((await api('POST', '/repository/fleet/beside/mirror/sync-now')).status, 204);
    await finished('fleet/beside');
    assert.equal((await mirror('fleet/cancelled')).sync_status, 'SYNCING', 'the huge copy was still running');
    const asked = Date.now();
    assert.equal((await api('POST', '/repository/fleet/cancelled/mirror/sync-cancel')).status, 204);
    const run = await eventually(async () => {
      const r = (await api('GET', `/repository/fleet/cancelled/mirror/runs/${runId}`)).json;
      return r.status === 'cancelled' ? r : undefined;
    }, 10_000, 'the run to be cancelled');
    const tookMs = Date.now() - asked;
    assert.ok(tookMs < 2_000, `cancel took ${tookMs} ms`);
    assert.equal(run.tags_deleted, 0);
    assert.deepEqual(await listTags(target, 'fleet/cancelled'), ['keep-me']);
    assert.equal((await mirror('fleet/cancelled')).sync_status, 'CANCEL');
    slow.setBytesPerSecond(0);
    assert.equal((await api('POST', '/repository/fleet/cancelled/mirror/sync-now')).status, 204);
    await finished('fleet/cancelled');
    assert.deepEqual(await listTags(target, 'fleet/cancelled'), ['v1']);
  });

  it('issues each due run once with two schedulers, and never more than 2 runs at once against one upstream with 4 workers', async () => {
    slow.setBytesPerSecond(1 * MiB);
    const past = new Date(Date.now() - 60_000).toISOString().slice(0, 19) + 'Z';
    const repos = Array.from({ length: 6 }, (_, i) => `fleet/due-${i}`);
    await Promise.all(repos.map((repo, i) => createMirror(repo, `${slow.host}/small/app-${i}`, { sync_start_date: past })));
    for (const repo of repos) await finished(repo);
    const scheduled = (await readEventLog(names)).filter((e) => e.type === 'MirrorRunScheduled' && repos.includes((e.data as { mirrorId: string }).mirrorId));
    assert.equal(scheduled.length, repos.length, 'one MirrorRunScheduled per due mirror');
    for (const repo of repos) {
      const history = await runs(repo);
      assert.equal(history.length, 1);
      assert.equal(history[0]!.attempts, 1);
    }
    assert.ok(slow.maxConcurrentRepositories <= 2, `at most 2 repositories pulled at once, saw ${slow.maxConcurrentRepositories}`);
    assert.equal(slow.maxConcurrentRepositories, 2, 'the cap was reached, so runs did overlap');
  });

  it('retries a transient failure with growing intervals and fails a permanent one at once', async () => {
    await createMirror('fleet/flaky', `${broken.host}/small/app-0`);
    assert.equal((await api('POST', '/repository/fleet/flaky/mirror/sync-now')).status, 204);
    const history = await eventually(async () => {
      const r = await runs('fleet/flaky');
      return r.length >= 3 && r.every((run) => run.status === 'failed') ? r : undefined;
    }, 90_000, 'three failed runs');
    const times = history.map((r) => Date.parse(r.scheduled_at)).sort((a, b) => a - b);
    const gaps = [times[1]! - times[0]!, times[2]! - times[1]!];
    // Retry k comes after at least base·2^(k-1)·0.5 s (base 2 s): 1 s, then 2 s.
    assert.ok(gaps[0]! >= 1_000 && gaps[1]! >= 2_000, `retry gaps ${gaps.join(', ')} ms`);
    assert.ok(history.every((r) => r.error?.code), 'each failure has a code');
    const settled = await eventually(async () => {
      const m = await mirror('fleet/flaky');
      return m.sync_status === 'FAIL' && !m.current_run_id && (await runs('fleet/flaky')).length === 3 ? m : undefined;
    }, 30_000, 'the retries to be used up');
    assert.equal(settled.sync_retries_remaining, 3, 'the next interval gets its retries back');
    assert.ok(Date.parse(settled.sync_start_date) > Date.now() + 60_000, 'the next run waits for the interval');

    await createMirror('fleet/missing', `${upstream.host}/no/such-repository`);
    assert.equal((await api('POST', '/repository/fleet/missing/mirror/sync-now')).status, 204);
    const failed = await finished('fleet/missing', ['FAIL']);
    const [only] = await runs('fleet/missing');
    assert.ok(only?.error, 'the run names its error');
    assert.ok(Date.parse(failed.sync_start_date) > Date.now() + 60_000, `a permanent failure is not retried early (${only?.error?.code})`);
  });

  it('fails a run whose only failures are refusals (UNSIGNED_IMAGE) without retrying it before the next interval', async () => {
    await createMirror('fleet/unsigned', `${upstream.host}/small/app-1`, {
      signature_policy: 'require',
      external_registry_config: { verify_tls: false, unsigned_images: false },
    });
    assert.equal((await api('POST', '/repository/fleet/unsigned/mirror/sync-now')).status, 204);
    const failed = await finished('fleet/unsigned', ['FAIL']);
    const [only] = await runs('fleet/unsigned');
    assert.equal(only?.error?.code, 'TAGS_FAILED');
    assert.match(only?.error?.message ?? '', /UNSIGNED_IMAGE/);
    const events = (await readEventLog(names)).filter((e) => (e.data as { mirrorId?: string }).mirrorId === 'fleet/unsigned');
    const tagFailed = events.find((e) => e.type === 'MirrorTagFailed')?.data as { error: { code: string }; retryable?: boolean } | undefined;
    assert.deepEqual([tagFailed?.error.code, tagFailed?.retryable], ['UNSIGNED_IMAGE', false], 'the tag event keeps the engine\'s retryable');
    assert.equal((events.find((e) => e.type === 'MirrorFailed')?.data as { retryable: boolean }).retryable, false);
    assert.equal(failed.sync_retries_remaining, 3, 'no retry was spent');
    assert.ok(Date.parse(failed.sync_start_date) > Date.now() + 60_000, 'the next run waits for the interval');
    // A retry would come after 1 to 2 s (base 2 s): none comes.
    await new Promise((r) => setTimeout(r, 4_000));
    assert.equal((await runs('fleet/unsigned')).length, 1, 'not retried');
  });

  it('refuses interval 0 and negative intervals with a 400', async () => {
    for (const sync_interval of [0, -60]) {
      const res = await api('POST', '/repository/fleet/bad-interval/mirror', {
        external_reference: `${slow.host}/small/app-0`,
        robot_username: 'fleet+syncer',
        root_rule: { rule_kind: 'tag_glob_csv', rule_value: ['v1'] },
        sync_start_date: '2099-01-01T00:00:00Z',
        sync_interval,
      });
      assert.equal(res.status, 400);
      assert.equal(res.json.errors[0].field, 'sync_interval');
    }
  });
});
