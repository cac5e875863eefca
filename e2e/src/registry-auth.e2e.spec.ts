import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestDatabase,
  freePort,
  makeTokenSigningFiles,
  pushImage,
  startRegistry,
  tagDigests,
  testEventLogNames,
  type RunningRegistry,
  type TestDatabase,
} from '@ferry/testing';
import { apiClient, createUserWithToken, onDemandMirrorBody, syncNowAndWait } from './api-client';
import { documentedFetch } from './api-document';
import { runCommand } from './commands';
import { destroyEventLog, readEventLog } from './event-log';
import { startFerry, testDeploymentEnv, waitForApi, type FerryProcesses } from './ferry-processes';

const SERVICE = 'ferry-registry';
const PASSWORD = 'a-long-test-password';

/** `skopeo` as a user runs it against plain-HTTP loopback registries. */
const skopeo = (args: string[]) => runCommand('skopeo', ['--insecure-policy', ...args], { env: process.env as Record<string, string> });

/** The registry obeys Ferry: a stock docker-registry with `auth: token` whose realm is Ferry's `/v2/auth`. */
describe('the target registry asks Ferry who may pull, push and delete', () => {
  const names = testEventLogNames();
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let dir: string;
  let keys: { old: { keyPath: string; certPath: string }; next: { keyPath: string; certPath: string } };
  let robotToken = '';
  const responses: string[] = [];
  const api = apiClient(() => ferry, responses);
  const creds: Record<string, string> = {};
  /** The target as the superuser reads it (the registry refuses anonymous listings). */
  const asAdmin = () => ({ url: target.url, credentials: { username: 'admin', password: ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD! } });
  const targetTags = (repo: string) => tagDigests(asAdmin(), repo);

  const pull = (who: string | null, repo: string, tag: string) =>
    skopeo(['copy', '--src-tls-verify=false', ...(who ? ['--src-creds', creds[who]!] : ['--src-no-creds']), `docker://${target.host}/${repo}:${tag}`, `dir:${mkdtempSync(join(dir, 'pull-'))}`]);
  const push = (who: string, repo: string, tag: string) =>
    skopeo(['copy', '--src-tls-verify=false', '--dest-tls-verify=false', '--dest-creds', creds[who]!, `docker://${upstream.host}/coreos/etcd:v1.0`, `docker://${target.host}/${repo}:${tag}`]);

  /** A registry token as a client gets one, for the registry API itself (DELETE has no skopeo verb that names one tag's manifest). */
  async function registryToken(who: string, scope: string, apiUrl = ferry.apiUrl): Promise<string> {
    const res = await documentedFetch(`${apiUrl}/v2/auth?service=${SERVICE}&scope=${encodeURIComponent(scope)}`, { headers: { authorization: `Basic ${Buffer.from(creds[who]!).toString('base64')}` } });
    assert.equal(res.status, 200, `token for ${who}`);
    return ((await res.json()) as { token: string }).token;
  }

  async function deleteManifest(who: string, repo: string, tag: string): Promise<number> {
    const digest = (await targetTags(repo))[tag]!;
    const token = await registryToken(who, `repository:${repo}:pull,push,delete`);
    return (await fetch(`${target.url}/v2/${repo}/manifests/${digest}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-registry-auth-'));
    keys = { old: makeTokenSigningFiles(dir, 'ferry-old'), next: makeTokenSigningFiles(dir, 'ferry-next') };
    // During a rollover the registry trusts both certificates.
    const bundle = join(dir, 'bundle.pem');
    writeFileSync(bundle, readFileSync(keys.old.certPath, 'utf8') + readFileSync(keys.next.certPath, 'utf8'));
    const apiPort = await freePort();
    [upstream, target, db] = await Promise.all([
      startRegistry(),
      startRegistry({ trustTokenService: { realm: `http://127.0.0.1:${apiPort}/v2/auth`, service: SERVICE, issuer: 'ferry', rootCertBundle: bundle }, keepLog: true }),
      createTestDatabase(),
    ]);
    for (const tag of ['v1.0', 'v1.1']) await pushImage(upstream, 'coreos/etcd', tag, { mediaType: 'oci', layers: [{ seed: `auth-${tag}`, size: 2048 }] });
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      FERRY_API_PORT: String(apiPort),
      FERRY_TOKEN_SIGNING_KEY: keys.old.keyPath,
      FERRY_TOKEN_SIGNING_CERT: keys.old.certPath,
      FERRY_REGISTRY_SERVICE: SERVICE,
      FERRY_REGISTRY_TOKEN_SECONDS: '30',
    });
    creds.admin = `admin:${ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD}`;
    assert.equal((await api('POST', '/organization/', { name: 'acme' })).status, 201);
    for (const user of ['reader', 'writer', 'orgadmin']) {
      assert.equal((await api('POST', '/superuser/users/', { username: user, password: PASSWORD })).status, 200);
      creds[user] = `${user}:${PASSWORD}`;
    }
    const robot = await api('PUT', '/organization/acme/robots/mirrorbot', {});
    robotToken = robot.json.token;
    creds.robot = `acme+mirrorbot:${robotToken}`;
    assert.equal((await api('PUT', '/organization/acme/robots/spare', {})).status, 201);
    for (const [name, visibility] of [['app', 'private'], ['frozen', 'private'], ['shared', 'public']] as const) {
      assert.equal((await api('POST', '/repository', { namespace: 'acme', repository: name, visibility, description: '' })).status, 201);
    }
    const created = await api('POST', '/repository/acme/etcd/mirror', onDemandMirrorBody(`${upstream.host}/coreos/etcd`, 'acme+mirrorbot', ['v1.*']));
    assert.equal(created.status, 201, JSON.stringify(created.json));
    for (const repo of ['etcd', 'app', 'frozen', 'shared']) {
      assert.equal((await api('PUT', `/repository/acme/${repo}/permissions/user/reader`, { role: 'read' })).status, 200);
      assert.equal((await api('PUT', `/repository/acme/${repo}/permissions/user/writer`, { role: 'write' })).status, 200);
    }
    assert.equal((await api('PUT', '/organization/acme/permissions/user/orgadmin', { role: 'admin' })).status, 200);
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop()]);
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('syncs the mirror as its robot, with no FERRY_TARGET_USERNAME', async () => {
    assert.equal(ferry.env.FERRY_TARGET_USERNAME, undefined);
    const view = await syncNowAndWait(api, '/repository/acme/etcd/mirror');
    assert.equal(view.sync_status, 'SUCCESS', JSON.stringify((await api('GET', `/repository/acme/etcd/mirror/runs/${view.last_run_id}`)).json));
    assert.deepEqual(await targetTags('acme/etcd'), await tagDigests(upstream, 'coreos/etcd'));
    // The token's subject, in the usage log, and the registry's own log of who pushed.
    const logs = (await api('GET', '/repository/acme/etcd/mirror/logs?limit=500')).json.logs as { kind: string; performer: { name: string; is_robot: boolean }; metadata: { subject: string; granted: string[] } }[];
    const robotToken = logs.find((l) => l.kind === 'RegistryTokenIssued' && l.metadata.granted.includes('push'));
    assert.ok(robotToken, 'a push token was issued');
    assert.equal(robotToken.metadata.subject, 'acme+mirrorbot');
    assert.equal(robotToken.performer.name, 'acme+mirrorbot');
    assert.equal(robotToken.performer.is_robot, true);
    assert.match(target.log(), /auth\.user\.name="?acme\+mirrorbot"?/);
  });

  it('lets a reader pull a mirrored image and refuses its push', async () => {
    const pulled = await pull('reader', 'acme/etcd', 'v1.0');
    assert.equal(pulled.code, 0, pulled.output);
    const pushed = await push('reader', 'acme/app', 'v1');
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /denied|unauthorized|authentication required/i);
  });

  it('refuses every push into a mirrored repository but its robot\'s: not a writer, not an admin, not a superuser', async () => {
    for (const who of ['writer', 'orgadmin', 'admin']) {
      const pushed = await push(who, 'acme/etcd', 'hand-made');
      assert.notEqual(pushed.code, 0, `${who} pushed into a mirrored repository`);
    }
    assert.equal((await targetTags('acme/etcd'))['hand-made'], undefined);
    // The same writer pushes into a NORMAL repository; nobody into a READ_ONLY one.
    const normal = await push('writer', 'acme/app', 'v1');
    assert.equal(normal.code, 0, normal.output);
    assert.equal((await api('PUT', '/repository/acme/frozen/changestate', { state: 'READ_ONLY' })).status, 200);
    for (const who of ['writer', 'admin']) assert.notEqual((await push(who, 'acme/frozen', 'v1')).code, 0, `${who} pushed into READ_ONLY`);
  });

  it('lets anonymous callers pull only public repositories', async () => {
    assert.equal((await push('writer', 'acme/shared', 'v1')).code, 0);
    const shared = await pull(null, 'acme/shared', 'v1');
    assert.equal(shared.code, 0, shared.output);
    assert.notEqual((await pull(null, 'acme/app', 'v1')).code, 0);
    assert.notEqual((await pull(null, 'acme/etcd', 'v1.0')).code, 0);
  });

  it('refuses to delete a mirrored tag through the registry to everyone but the robot', async () => {
    for (const who of ['reader', 'writer', 'orgadmin', 'admin']) {
      assert.ok([401, 403].includes(await deleteManifest(who, 'acme/etcd', 'v1.1')), `${who} deleted a mirrored tag`);
    }
    assert.equal(await deleteManifest('robot', 'acme/etcd', 'v1.1'), 202);
    assert.equal((await targetTags('acme/etcd'))['v1.1'], undefined);
  });

  it('signs docker and skopeo clients in to the target with Ferry\'s identities: a password, an API token, a robot token', async () => {
    const token = await createUserWithToken(api, ferry.apiUrl, 'ci');
    assert.equal((await api('PUT', '/repository/acme/app/permissions/user/ci', { role: 'read' })).status, 200);
    const login = async (username: string, secret: string, authfile: string) =>
      (await runCommand('skopeo', ['login', '--tls-verify=false', '--authfile', authfile, '--username', username, '--password-stdin', target.host], { env: process.env as Record<string, string>, stdin: secret })).code;
    for (const [who, username, secret] of [['a password', 'reader', PASSWORD], ['an API token', 'ci', token], ['a robot token', 'acme+mirrorbot', robotToken]] as const) {
      const authfile = join(mkdtempSync(join(dir, 'auth-')), 'auth.json');
      assert.equal(await login(username, secret, authfile), 0, `skopeo login with ${who}`);
      if (username === 'acme+mirrorbot') continue;
      const pulled = await skopeo(['copy', '--src-tls-verify=false', '--authfile', authfile, `docker://${target.host}/acme/app:v1`, `dir:${mkdtempSync(join(dir, 'pull-'))}`]);
      assert.equal(pulled.code, 0, `a pull after signing in with ${who}: ${pulled.output}`);
    }
    assert.notEqual(await login('reader', 'not-the-password', join(dir, 'wrong.json')), 0);
    // The OAuth2 form newer clients post.
    const form = new URLSearchParams({ grant_type: 'password', username: 'reader', password: PASSWORD, service: SERVICE, scope: 'repository:acme/app:pull,push', client_id: 'docker' });
    const posted = await documentedFetch(`${ferry.apiUrl}/v2/auth`, { method: 'POST', body: form });
    const answer = (await posted.json()) as { access_token: string; token_type: string; expires_in: number };
    assert.equal(posted.status, 200);
    assert.equal(answer.token_type, 'Bearer');
    assert.equal(answer.expires_in, 30);
    assert.deepEqual(JSON.parse(Buffer.from(answer.access_token.split('.')[1]!, 'base64url').toString()).access, [{ type: 'repository', name: 'acme/app', actions: ['pull'] }]);
  });

  it('audits every token: who, which repository, what was granted and refused, never the token', async () => {
    const events = await readEventLog(names);
    const issued = events.filter((e) => e.type === 'RegistryTokenIssued');
    const adminPush = issued.find((e) => e.actor?.name === 'admin' && e.aggregateId === 'acme/etcd' && (e.data as { refused: string[] }).refused.includes('push'));
    assert.ok(adminPush, "the superuser's refused push is on record");
    const text = JSON.stringify(issued);
    assert.ok(!text.includes('eyJ'), 'no JWT in the audit');
  });

  it('stops a robot removed from the mirror, or deleted, from pushing', async () => {
    assert.equal((await api('PUT', '/repository/acme/etcd/mirror', { robot_username: 'acme+spare' })).status, 200);
    // The old robot still holds write on the repository, but is no longer the mirror's robot.
    assert.notEqual((await push('robot', 'acme/etcd', 'v9')).code, 0, 'the removed robot pushed');
    assert.equal((await api('DELETE', '/organization/acme/robots/mirrorbot')).status, 204);
    const res = await documentedFetch(`${ferry.apiUrl}/v2/auth?service=${SERVICE}&scope=repository:acme/etcd:pull,push`, { headers: { authorization: `Basic ${Buffer.from(creds.robot!).toString('base64')}` } });
    assert.equal(res.status, 401, 'a deleted robot gets no token at all');
  });

  it('fails the run of a mirror whose robot has no write on the repository, with a clear code and no write', async () => {
    assert.equal((await api('DELETE', '/repository/acme/etcd/permissions/user/acme+spare')).status, 204);
    const before = await targetTags('acme/etcd');
    const view = await syncNowAndWait(api, '/repository/acme/etcd/mirror');
    assert.equal(view.sync_status, 'FAIL');
    const run = (await api('GET', `/repository/acme/etcd/mirror/runs/${view.last_run_id}`)).json;
    assert.equal(run.error.code, 'TARGET_PUSH_DENIED', JSON.stringify(run));
    assert.match(run.error.message, /acme\+spare/);
    assert.deepEqual(await targetTags('acme/etcd'), before);
  });

  it('fails the next run of a mirror whose robot is deleted, with a clear code and no write', async () => {
    assert.equal((await api('PUT', '/repository/acme/etcd/mirror', { robot_username: 'acme+spare' })).status, 200);
    assert.equal((await api('DELETE', '/organization/acme/robots/spare')).status, 204);
    const before = await targetTags('acme/etcd');
    const view = await syncNowAndWait(api, '/repository/acme/etcd/mirror');
    assert.equal(view.sync_status, 'FAIL');
    const run = (await api('GET', `/repository/acme/etcd/mirror/runs/${view.last_run_id}`)).json;
    assert.equal(run.error.code, 'ROBOT_NOT_FOUND');
    assert.deepEqual(await targetTags('acme/etcd'), before);
  });

  it('keeps pulls working through a key rollover (the registry trusts the old and the new certificate)', async () => {
    const port = await freePort();
    ferry.start('mirror-config', { FERRY_API_PORT: String(port), FERRY_GRPC_PORT: String(await freePort()), FERRY_TOKEN_SIGNING_KEY: keys.next.keyPath, FERRY_TOKEN_SIGNING_CERT: keys.next.certPath }, 'mirror-config-next');
    await waitForApi(`http://127.0.0.1:${port}`, ferry.adminToken, () => false, ferry.output);
    const manifest = async (token: string) =>
      (await fetch(`${target.url}/v2/acme/app/manifests/v1`, { headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.oci.image.manifest.v1+json' } })).status;
    const oldToken = await registryToken('reader', 'repository:acme/app:pull');
    const newToken = await registryToken('reader', 'repository:acme/app:pull', `http://127.0.0.1:${port}`);
    assert.notEqual(JSON.parse(Buffer.from(oldToken.split('.')[0]!, 'base64url').toString()).x5c[0], JSON.parse(Buffer.from(newToken.split('.')[0]!, 'base64url').toString()).x5c[0]);
    assert.equal(await manifest(oldToken), 200);
    assert.equal(await manifest(newToken), 200);
    // The replica with the old key goes; a token it signed keeps working until it expires.
    await ferry.stop('mirror-config');
    assert.equal(await manifest(oldToken), 200);
    assert.equal(await manifest(await registryToken('reader', 'repository:acme/app:pull', `http://127.0.0.1:${port}`)), 200);
  });

  it('never shows a robot token, a password or the signing key in a log line, an event or a response', async () => {
    const events = JSON.stringify(await readEventLog(names));
    const output = ferry.output() + target.log();
    const key = readFileSync(keys.old.keyPath, 'utf8').split('\n')[1]!;
    const answers = responses.filter((r) => !r.includes('"token":"ferry_rbt_') && !r.includes('"password"'));
    for (const [what, secret] of [['robot token', robotToken], ['password', PASSWORD], ['admin password', ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD!], ['signing key', key]] as const) {
      assert.equal(events.includes(secret), false, `${what} in an event`);
      assert.equal(output.includes(secret), false, `${what} in a log line`);
      assert.equal(answers.some((a) => a.includes(secret)), false, `${what} in a response`);
    }
  });
});
