import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, eventually, freePort, makeTokenSigningFiles, pushImage, startRegistry, tagDigests, testEventLogNames, type RunningRegistry, type TestDatabase } from '@ferry/testing';
import { apiClient, createOrganizationWithRobot } from './api-client';
import { runCommand } from './commands';
import { destroyEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';

const README = join(__dirname, '..', '..', 'README.md');
const UPSTREAM_REPOSITORIES = ['svc-api', 'svc-web', 'svc-legacy', 'tools'];
/** What the walk-through's include and exclude select, with the `v*` tags its tag rule takes. */
const SELECTED = ['svc-api', 'svc-web'];

/** The first shell block of the README's "Mirror a whole organization" section, as a reader copies it. */
function walkthrough(): string {
  const readme = readFileSync(README, 'utf8');
  const section = readme.slice(readme.indexOf('## Mirror a whole organization'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'the section has a sh block');
  return block[1]!;
}

const onlyVersions = (digests: Record<string, string>) => Object.fromEntries(Object.entries(digests).filter(([tag]) => tag.startsWith('v')));

describe("the README's organization mirroring, and one Ferry mirroring an organization of another through Quay's listing", () => {
  const names = testEventLogNames();
  const copyNames = testEventLogNames();
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let copyTarget: RunningRegistry;
  let db: TestDatabase;
  let copyDb: TestDatabase;
  let ferry: FerryProcesses;
  let copy: FerryProcesses;
  let home: string;
  const copyApi = apiClient(() => copy);

  before(async () => {
    // What `npm start` leaves in the checkout, and a target that asks Ferry's token service who may push.
    home = mkdtempSync(join(tmpdir(), 'ferry-org-readme-'));
    mkdirSync(join(home, '.ferry'));
    const signing = makeTokenSigningFiles(join(home, '.ferry'), 'token');
    const apiPort = await freePort();
    [upstream, target, copyTarget, db, copyDb] = await Promise.all([
      startRegistry(),
      startRegistry({ trustTokenService: { realm: `http://127.0.0.1:${apiPort}/v2/auth`, service: 'ferry-registry', issuer: 'ferry', rootCertBundle: signing.certPath } }),
      startRegistry(),
      createTestDatabase(),
      createTestDatabase(),
    ]);
    for (const repository of UPSTREAM_REPOSITORIES) {
      for (const tag of ['v1.0', 'v1.1', 'latest']) await pushImage(upstream, `team/${repository}`, tag, { mediaType: 'oci', layers: [{ seed: `org-readme-${repository}-${tag}`, size: 512 }] });
    }
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      FERRY_API_PORT: String(apiPort),
      FERRY_TOKEN_SIGNING_KEY: signing.keyPath,
      FERRY_TOKEN_SIGNING_CERT: signing.certPath,
    });
    writeFileSync(join(home, '.ferry', 'admin-credentials.json'), JSON.stringify({ username: 'admin', password: ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD, token: ferry.adminToken }), { mode: 0o600 });
    // The second Ferry, whose (open) target takes fixed credentials.
    copy = await startFerry({
      ...testDeploymentEnv({ databaseUrl: copyDb.url, names: copyNames, targetUrl: copyTarget.url }),
      FERRY_TARGET_USERNAME: 'copy',
      FERRY_TARGET_PASSWORD: 'copy',
    });
  });

  after(async () => {
    await Promise.all([ferry?.stopAll(), copy?.stopAll()]);
    await Promise.all([destroyEventLog(names), destroyEventLog(copyNames)]);
    await Promise.all([upstream?.stop(), target?.stop(), copyTarget?.stop()]);
    await Promise.all([db?.drop(), copyDb?.drop()]);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('runs as written with the bootstrap token, and mirrors exactly the repositories and tags it selects', async () => {
    const script = walkthrough()
      .replaceAll('http://127.0.0.1:8080', ferry.apiUrl)
      .replaceAll('https://registry.example.com', upstream.url)
      // The local upstream speaks plain HTTP; the only change to what a reader runs.
      .replaceAll('"verify_tls": true', '"verify_tls": false');
    const { code, output } = await runCommand('bash', ['-euo', 'pipefail', '-c', script], { cwd: home });
    assert.equal(code, 0, `${output}\n${ferry.output().slice(-4000)}`);
    const asAdmin = { url: target.url, credentials: { username: 'admin', password: ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD! } };
    for (const repository of SELECTED) {
      assert.deepEqual(await tagDigests(asAdmin, `hub/${repository}`), onlyVersions(await tagDigests(upstream, `team/${repository}`)), `hub/${repository}, digest for digest`);
    }
    for (const repository of ['svc-legacy', 'tools']) assert.doesNotMatch(output, new RegExp(`"hub/${repository}"`), `${repository} is not mirrored`);
    assert.match(output, /listed page 1: 4 repositories, 2 selected, 2 new; the listing is complete/);
    assert.ok(!output.includes(ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD!));
  });

  it("lets another Ferry mirror that organization through Quay's repository listing, digest for digest", async () => {
    await createOrganizationWithRobot(copyApi, 'copy');
    const created = await copyApi('POST', '/organization/copy/mirror', {
      external_registry_type: 'quay',
      // The images are on the first Ferry's registry; its repositories are listed by its API.
      external_registry_url: target.url,
      external_listing_url: ferry.apiUrl,
      external_namespace: 'hub',
      external_registry_username: 'admin',
      external_registry_password: ferry.adminToken,
      robot_username: 'copy+syncer',
      visibility: 'private',
      sync_interval: 3600,
      sync_start_date: new Date(Date.now() - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      external_registry_config: { verify_tls: false },
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const verified = await copyApi('POST', '/organization/copy/mirror/verify');
    assert.equal(verified.json.success, true, JSON.stringify(verified.json));
    await eventually(async () => {
      const listed = (await copyApi('GET', '/organization/copy/mirror/repositories')).json;
      return listed.total === SELECTED.length && listed.repositories.every((r: { sync_status: string }) => r.sync_status === 'SUCCESS') ? listed : undefined;
    }, 120_000, `the second Ferry to mirror hub's repositories\n${copy.output().slice(-4000)}`);
    const fromFirst = { url: target.url, credentials: { username: 'admin', password: ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD! } };
    for (const repository of SELECTED) {
      assert.deepEqual(await tagDigests(copyTarget, `copy/${repository}`), await tagDigests(fromFirst, `hub/${repository}`), `copy/${repository}, digest for digest`);
    }
  });
});
