import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, freePort, makeTokenSigningFiles, pushImage, startRegistry, tagDigests, testEventLogNames, type RunningRegistry, type TestDatabase } from '@ferry/testing';
import { runCommand } from './commands';
import { destroyEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';
import { startReceiver, type Receiver } from './receivers';

const README = join(__dirname, '..', '..', 'README.md');

/** The shell block of the README's "Mirror a repository" section, exactly as a reader copies it. */
function walkthrough(): string {
  const readme = readFileSync(README, 'utf8');
  const section = readme.slice(readme.indexOf('## Mirror a repository'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'the section has a sh block');
  return block[1]!;
}

describe("the README's walk-through", () => {
  const names = testEventLogNames();
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let hooks: Receiver;
  let home: string;

  before(async () => {
    // What `npm start` leaves in the checkout on its first run, and the registry it starts: one
    // that asks Ferry's token service who may push.
    home = mkdtempSync(join(tmpdir(), 'ferry-readme-'));
    mkdirSync(join(home, '.ferry'));
    const signing = makeTokenSigningFiles(join(home, '.ferry'), 'token');
    const apiPort = await freePort();
    [upstream, target, db, hooks] = await Promise.all([
      startRegistry(),
      startRegistry({ trustTokenService: { realm: `http://127.0.0.1:${apiPort}/v2/auth`, service: 'ferry-registry', issuer: 'ferry', rootCertBundle: signing.certPath } }),
      createTestDatabase(),
      startReceiver(),
    ]);
    for (const tag of ['v3.5.0', 'v3.5.1', 'v3.4.9', 'latest']) await pushImage(upstream, 'coreos/etcd', tag, { mediaType: 'oci', layers: [{ seed: `readme-${tag}`, size: 1024 }] });
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      FERRY_API_PORT: String(apiPort),
      FERRY_TOKEN_SIGNING_KEY: signing.keyPath,
      FERRY_TOKEN_SIGNING_CERT: signing.certPath,
    });
    writeFileSync(join(home, '.ferry', 'admin-credentials.json'), JSON.stringify({ username: 'admin', password: ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD, token: ferry.adminToken }), { mode: 0o600 });
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop(), hooks?.close()]);
    await db?.drop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('runs as written with the bootstrap token, against a local upstream, and mirrors the tags it names', async () => {
    const script = walkthrough()
      .replaceAll('http://127.0.0.1:8080', ferry.apiUrl)
      .replaceAll('quay.io/coreos/etcd', `${upstream.host}/coreos/etcd`)
      .replaceAll('https://hooks.example.com/ferry', `${hooks.url}/ferry`)
      // The local upstream speaks plain HTTP; the only change to what a reader runs.
      .replaceAll('"verify_tls": true', '"verify_tls": false');
    const { code, output } = await runCommand('bash', ['-euo', 'pipefail', '-c', script], { cwd: home });
    assert.equal(code, 0, `${output}\n${ferry.output()}`);
    const asAdmin = { url: target.url, credentials: { username: 'admin', password: ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD! } };
    assert.deepEqual(Object.keys(await tagDigests(asAdmin, 'mirrors/etcd')).sort(), ['latest', 'v3.5.0', 'v3.5.1'], output);
    // The last step lists who did what: the admin configured it, Ferry's services ran it.
    assert.match(output, /"performer": "admin"/);
    assert.match(output, /"performer": "sync-worker"/);
    assert.ok(!output.includes(ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD!));
  });
});
