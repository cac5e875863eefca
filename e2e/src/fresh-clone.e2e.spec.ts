import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createTestDatabase, freePort, testEventLogNames, type TestDatabase } from '@ferry/testing';
import { destroyEventLog } from './event-log';
import { npmStartEnv } from './ferry-processes';
import { gone, portFree, processesWith } from './process-tree';

const ROOT = join(__dirname, '..', '..');

/** The checkout's files as a clone would have them: tracked and new ones, none of what builds or runs leave. */
function copyCheckout(to: string): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, file))) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(to, file));
  }
}

/**
 * A PATH like this machine's without `docker-registry` and without the Node.js Ferry fetched for
 * itself: a folder of links to every other command, as on a machine that never ran Ferry.
 */
function pathWithout(dir: string, hidden: string): string {
  mkdirSync(dir, { recursive: true });
  for (const entry of (process.env.PATH ?? '').split(':')) {
    if (!entry || entry.includes('.toolchain') || !existsSync(entry)) continue;
    for (const name of readdirSync(entry)) {
      if (name === hidden || existsSync(join(dir, name))) continue;
      symlinkSync(join(entry, name), join(dir, name));
    }
  }
  return dir;
}

function npm(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('close', (code) => resolve({ code, output }));
  });
}

describe('npm start on a fresh clone', () => {
  let work: string;
  let db: TestDatabase;
  const names = testEventLogNames();

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'ferry-clone-'));
    db = await createTestDatabase();
  });

  after(async () => {
    // Whatever a failed test left running from the clone, by pid.
    for (const { pid } of await processesWith(work)) if (!(await gone(pid))) process.kill(pid, 'SIGKILL');
    await destroyEventLog(names);
    await db?.drop();
    await rm(work, { recursive: true, force: true });
  });

  it('installs, builds and reaches ready with no docker-registry installed, on Node 24, in the background; npm stop stops it', { timeout: 15 * 60_000 }, async () => {
    const clone = join(work, 'ferry');
    copyCheckout(clone);
    const path = pathWithout(join(work, 'bin'), 'docker-registry');
    const ports = { api: await freePort(), grpc: await freePort(), registry: await freePort() };
    // As a new user runs it: the state in the clone's own .ferry/.
    const env = npmStartEnv({ databaseUrl: db.url, names, ports, extra: { PATH: path } });
    const machineNode = spawnSync('node', ['--version'], { env, encoding: 'utf8' }).stdout.trim();

    const start = await npm(clone, ['start', '--', '--detach'], env);
    assert.equal(start.code, 0, start.output.slice(-4000));
    assert.match(start.output, /ferry: all five services are ready/);
    assert.match(start.output, /docker-registry is not installed; unpacking Debian's package/);
    assert.doesNotMatch(start.output, /EBADENGINE|Unsupported engine/, 'every package accepts the runtime it was installed with');
    if (!machineNode.startsWith('v24.')) assert.match(start.output, new RegExp(`this machine's Node.js is ${machineNode.replaceAll('.', '\\.')}; fetching Node.js 24`));
    // The banner names only files that exist.
    for (const [, file] of start.output.matchAll(/(\/\S+\.json)\b/g)) assert.ok(existsSync(file!), `${file} exists`);

    const token = JSON.parse(readFileSync(join(clone, '.ferry', 'admin-credentials.json'), 'utf8')).token as string;
    const user = await fetch(`http://127.0.0.1:${ports.api}/api/v1/user/`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(user.status, 200, 'the admin it made signs in');
    const running = await processesWith(clone);
    for (const service of ['mirror-config', 'scheduler', 'sync-worker', 'notifier']) {
      const proc = running.find((p) => p.command.includes(`services/${service}/dist/main.js`));
      assert.ok(proc, `${service} runs after npm start returned`);
      const runtime = spawnSync(readlinkSync(`/proc/${proc.pid}/exe`), ['--version'], { encoding: 'utf8' }).stdout.trim();
      assert.match(runtime, /^v24\./, `${service} runs on Node 24`);
    }
    assert.ok(running.some((p) => p.command.includes('.toolchain/docker-registry/usr/bin/docker-registry serve')), 'the registry it unpacked runs');
    assert.equal((await fetch(`http://127.0.0.1:${ports.api}/readyz`)).status, 200);

    const stop = await npm(clone, ['stop'], env);
    assert.equal(stop.code, 0, stop.output);
    assert.match(stop.output, /ferry: stopped/);
    for (const { pid, command } of running) assert.ok(await gone(pid), `${command} has stopped`);
    for (const [name, port] of Object.entries(ports)) assert.ok(await portFree(port), `the ${name} port ${port} is free`);
  });
});
