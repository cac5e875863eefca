import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
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
import { commandLine, descendants, gone, portFree } from './process-tree';
import { bootstrapAdminEnv, npmStartEnv, SERVICES, startFerry, testDeploymentEnv, waitForApi, type FerryProcesses } from './ferry-processes';

const ROOT = join(__dirname, '..', '..');
const MiB = 1024 * 1024;

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
        env: npmStartEnv({ stateDir, databaseUrl: db.url, names, ports, extra: { FERRY_ENCRYPTION_KEY: encryptionKey, ...admin } }),
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
      // npm runs the script with exec, so the signal it forwards reaches start.mjs itself.
      assert.ok(end.code === 0 || end.signal === 'SIGTERM', `${how} ended with ${JSON.stringify(end)}: ${output().slice(-3000)}`);
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
      assert.ok(tail.includes('ferry: SIGTERM: stopping'), tail);
      for (const service of SERVICES) assert.match(tail, new RegExp(`\\[${service}\\] .*SIGTERM: shutting down`), `${service} was asked to stop`);
      assert.ok(!output().includes('did not stop within'), `every process stopped by itself: ${tail}`);
    });
  }

  it('keeps running under nohup when its terminal closes, and stops everything it started on SIGTERM', async () => {
    const ports = { api: await freePort(), grpc: await freePort(), registry: await freePort() };
    const out = join(stateDir, 'nohup.out');
    const pidFile = join(stateDir, 'start.pid');
    // `script` gives the shell a terminal of its own and closes it when the shell ends: the hangup a
    // closed ssh session sends. The shell waits for Ferry to be ready, as a user would before logging out.
    const shell = [
      `nohup npm start --silent > ${out} 2>&1 &`,
      'npm_pid=$!',
      `for i in $(seq 600); do grep -q 'all five services are ready' ${out} 2>/dev/null && break; sleep 0.2; done`,
      `ps -o pid= --ppid $npm_pid > ${pidFile}`,
    ].join('\n');
    const session = spawn('script', ['-qec', shell, '/dev/null'], {
      cwd: ROOT,
      env: npmStartEnv({ stateDir, databaseUrl: db.url, names, ports, extra: { FERRY_ENCRYPTION_KEY: encryptionKey, ...admin } }),
      stdio: 'ignore',
    });
    await new Promise((resolve) => session.once('exit', resolve));
    const output = () => readFileSync(out, 'utf8');
    let startPid = 0;
    for (const pid of readFileSync(pidFile, 'utf8').split(/\s+/).filter(Boolean).map(Number)) {
      if ((await commandLine(pid)).includes('scripts/start.mjs')) startPid = pid;
    }
    assert.ok(startPid > 0, `start.mjs's pid was found: ${output().slice(-2000)}`);
    started.add(startPid);
    const pids = [startPid, ...(await descendants(startPid))];
    for (const pid of pids) started.add(pid);

    await eventually(() => (output().includes('SIGHUP: no terminal is attached') ? true : undefined), 10_000, `the hangup to reach start.mjs:\n${output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 2_000));
    const res = await fetch(`http://127.0.0.1:${ports.api}/api/v1/user/`, { headers: { authorization: `Bearer ${admin.FERRY_BOOTSTRAP_ADMIN_TOKEN}` } });
    assert.equal(res.status, 200, 'the API still answers after the terminal closed');
    for (const pid of pids) assert.ok(!(await gone(pid)), `${pid} (${await commandLine(pid)}) still runs`);
    assert.doesNotMatch(output(), /SIGHUP: shutting down/, 'no service took the hangup for a stop');

    process.kill(startPid, 'SIGTERM');
    await eventually(async () => ((await Promise.all(pids.map(gone))).every(Boolean) ? true : undefined), 25_000, 'every process it started to exit');
    for (const [name, port] of Object.entries(ports)) assert.ok(await portFree(port), `the ${name} port ${port} is free`);
    assert.match(output(), /ferry: SIGTERM: stopping/);
  });
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
