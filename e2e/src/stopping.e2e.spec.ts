import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestDatabase,
  eventually,
  freePort,
  manifestDigest,
  pushImage,
  startRegistry,
  startSlowUpstream,
  TEST_NATS_URL,
  testEventLogNames,
  type RunningRegistry,
  type SlowUpstream,
  type TestDatabase,
} from '@ferry/testing';
import { apiClient, createOrganizationWithRobot, onDemandMirrorBody, runningRun } from './api-client';
import { destroyEventLog, readEventLog } from './event-log';
import { bootstrapAdminEnv, SERVICES, startFerry, testDeploymentEnv, waitForApi, type FerryProcesses } from './ferry-processes';

const ROOT = join(__dirname, '..', '..');
const MiB = 1024 * 1024;

/** Every process below `pid` right now (children first found through /proc/<pid>/task/<tid>/children). */
async function descendants(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const text = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '');
    for (const child of text.split(/\s+/).filter(Boolean).map(Number)) found.push(child, ...(await descendants(child)));
  }
  return found;
}

const commandLine = (pid: number) => readFile(`/proc/${pid}/cmdline`, 'utf8').then((t) => t.split('\0').join(' '), () => '');

/** A process that has exited (a zombie no one has reaped yet has exited too). */
async function gone(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat === null || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

/** Whether nothing listens on 127.0.0.1:`port` (we can listen on it ourselves). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('stopping npm start', () => {
  let db: TestDatabase;
  const names = testEventLogNames();
  let stateDir: string;
  // One deployment started twice: the same admin and keys both times.
  const admin = bootstrapAdminEnv();
  const encryptionKey = randomBytes(32).toString('hex');
  /** Every process a launch started, so a failed test still leaves none behind. */
  const started = new Set<number>();

  before(async () => {
    db = await createTestDatabase();
    stateDir = await mkdtemp(join(tmpdir(), 'ferry-state-'));
  });

  after(async () => {
    for (const pid of started) if (!(await gone(pid))) process.kill(pid, 'SIGKILL');
    await destroyEventLog(names);
    await db?.drop();
    await rm(stateDir, { recursive: true, force: true });
  });

  for (const [how, command, args] of [
    ['node scripts/start.mjs', process.execPath, [join(ROOT, 'scripts', 'start.mjs')]],
    ['npm start', 'npm', ['start', '--silent']],
  ] as const) {
    it(`stops every process it started, and frees every port, on SIGTERM to ${how}`, async () => {
      const ports = { api: await freePort(), grpc: await freePort(), registry: await freePort() };
      const chunks: string[] = [];
      const output = () => chunks.join('');
      const ferry: ChildProcess = spawn(command, [...args], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? stateDir,
          NO_COLOR: '1',
          FERRY_LOG_LEVEL: 'log',
          FERRY_STATE_DIR: stateDir,
          DATABASE_URL: db.url,
          NATS_URL: TEST_NATS_URL,
          FERRY_EVENT_STREAM: names.stream,
          FERRY_SUBJECT_PREFIX: names.subjectPrefix,
          FERRY_API_PORT: String(ports.api),
          FERRY_GRPC_PORT: String(ports.grpc),
          // Each service a free metrics port of its own: other tests' services may hold the defaults.
          FERRY_METRICS_PORT: '0',
          FERRY_TARGET_REGISTRY: `http://127.0.0.1:${ports.registry}`,
          FERRY_ENCRYPTION_KEY: encryptionKey,
          ...admin,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      started.add(ferry.pid!);
      ferry.stdout!.on('data', (d: Buffer) => chunks.push(d.toString()));
      ferry.stderr!.on('data', (d: Buffer) => chunks.push(d.toString()));
      // 'close': exited, and all its output read.
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => ferry.once('close', (code, signal) => resolve({ code, signal })));
      const hasExited = () => ferry.exitCode !== null || ferry.signalCode !== null;

      await waitForApi(`http://127.0.0.1:${ports.api}`, admin.FERRY_BOOTSTRAP_ADMIN_TOKEN, hasExited, output);
      await eventually(() => (SERVICES.every((s) => output().includes(`ferry ${s} ready`)) ? true : undefined), 30_000, `every service to be ready:\n${output()}`);
      const pids = await descendants(ferry.pid!);
      for (const pid of pids) started.add(pid);
      const commands = await Promise.all(pids.map(commandLine));
      for (const service of SERVICES) assert.ok(commands.some((c) => c.includes(`services/${service}/dist/main.js`)), `${service} runs: ${commands.join('\n')}`);
      assert.ok(commands.some((c) => c.includes('docker-registry serve')), `it started its own docker-registry: ${commands.join('\n')}`);
      assert.ok(!commands.some((c) => c.includes('nats-server')), 'NATS answered, so it started none');

      const asked = Date.now();
      ferry.kill('SIGTERM');
      const end = await exited;
      // npm forwards the signal to the `sh -c` it runs the script in, which dies of it at once:
      // start.mjs, left behind, notices its parent has gone and stops as if signalled.
      if (command === process.execPath) assert.deepEqual(end, { code: 0, signal: null }, output().slice(-3000));
      const left = async () => {
        const running = [];
        for (const pid of pids) if (!(await gone(pid))) running.push(`${pid}: ${await commandLine(pid)}`);
        return running;
      };
      await eventually(async () => ((await left()).length === 0 ? true : undefined), 25_000, 'every process it started to exit').catch(async () => {
        assert.deepEqual(await left(), [], 'no process it started is left');
      });
      const tookMs = Date.now() - asked;
      assert.ok(tookMs < 15_000, `stopping took ${tookMs} ms`);
      for (const [name, port] of Object.entries(ports)) assert.ok(await portFree(port), `the ${name} port ${port} is free`);
      const tail = output().slice(-3000);
      if (command === process.execPath) assert.ok(tail.includes('ferry: SIGTERM: stopping'), tail);
      for (const service of SERVICES) assert.match(tail, new RegExp(`\\[${service}\\] .*SIGTERM: shutting down`), `${service} was asked to stop`);
      assert.ok(!output().includes('did not stop within'), `every process stopped by itself: ${tail}`);
    });
  }
});

describe('a sync-worker told to stop mid-run', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let slow: SlowUpstream;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  const names = testEventLogNames();
  const LEASE_SECONDS = 60;
  let bigDigest: string;
  const api = apiClient(() => ferry);

  before(async () => {
    [upstream, target, db] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase()]);
    slow = await startSlowUpstream(upstream.url);
    bigDigest = (await pushImage(upstream, 'big/app', 'v1', { mediaType: 'oci', layers: [{ seed: 'handed-back', size: 24 * MiB }] })).digest;
    ferry = await startFerry({ ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }), FERRY_RUN_LEASE_SECONDS: String(LEASE_SECONDS) });
    ferry.start('sync-worker', {}, 'sync-worker-2');
    await createOrganizationWithRobot(api, 'calm');
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await slow?.close();
    await Promise.all([upstream?.stop(), target?.stop()]);
    await db?.drop();
  });

  it('gives its lease back, so another worker resumes the run at once instead of after the lease', async () => {
    const created = await api('POST', '/repository/calm/handed-back/mirror', onDemandMirrorBody(`${slow.host}/big/app`, 'calm+syncer', ['v1'], { sync_interval: 3600 }));
    assert.equal(created.status, 201, JSON.stringify(created.json));
    slow.setBytesPerSecond(2 * MiB);
    assert.equal((await api('POST', '/repository/calm/handed-back/mirror/sync-now')).status, 204);
    const { runId, worker } = await runningRun(api, 'calm/handed-back');
    const victim = ['sync-worker', 'sync-worker-2'].find((w) => worker.endsWith(`/${ferry.pid(w)}`));
    assert.ok(victim, `worker ${worker} is one of ours`);
    await new Promise((r) => setTimeout(r, 1_500));

    const asked = Date.now();
    // SIGTERM, and SIGKILL after 5 s: the lease is given back only if the worker stops by itself.
    await ferry.stop(victim);
    const stopMs = Date.now() - asked;
    assert.ok(stopMs < 5_000, `the worker stopped in ${stopMs} ms`);
    slow.setBytesPerSecond(0);

    const done = await eventually(async () => {
      const m = (await api('GET', '/repository/calm/handed-back/mirror')).json;
      return m.sync_status === 'SUCCESS' && !m.current_run_id ? m : undefined;
    }, 30_000, 'the run to be finished by the other worker');
    const finishedMs = Date.now() - asked;
    assert.ok(finishedMs < (LEASE_SECONDS * 1000) / 2, `finished ${finishedMs} ms after the stop, the lease was ${LEASE_SECONDS} s`);
    assert.equal(done.last_run_id, runId, 'the same run was finished, not a new one');
    const run = (await api('GET', `/repository/calm/handed-back/mirror/runs/${runId}`)).json;
    assert.equal(run.status, 'succeeded');
    assert.notEqual(run.worker, worker, 'another worker finished it');

    const events = (await readEventLog(names)).filter((e) => (e.data as { runId?: string }).runId === runId);
    const released = events.find((e) => e.type === 'MirrorLeaseReleased');
    assert.ok(released, 'the stopping worker gave the lease back');
    assert.equal((released.data as { fencingToken: number }).fencingToken, 1);
    const resumed = events.find((e) => e.type === 'MirrorRunResumed');
    assert.ok(resumed, 'another worker resumed the run');
    const waitedMs = Date.parse(resumed.occurredAt) - Date.parse(released.occurredAt);
    assert.ok(waitedMs < 5_000, `resumed ${waitedMs} ms after the lease was given back`);
    assert.equal(events.filter((e) => ['MirrorSucceeded', 'MirrorFailed', 'MirrorCancelled'].includes(e.type)).length, 1, 'one terminal event');
    assert.equal(await manifestDigest(target, 'calm/handed-back', 'v1'), bigDigest);
  });
});
