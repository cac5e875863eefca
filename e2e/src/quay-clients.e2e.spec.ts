import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTestDatabase,
  eventually,
  freePort,
  pushImage,
  startOidcIssuer,
  startRegistry,
  tagDigests,
  type OidcIssuer,
  testEventLogNames,
  type RunningRegistry,
  type TestDatabase,
} from '@ferry/testing';
import { apiClient, createUserWithToken, syncNowAndWait } from './api-client';
import { documentedFetch } from './api-document';
import { destroyEventLog, readEventLog } from './event-log';
import { startFerry, testDeploymentEnv, waitForApi, type FerryProcesses } from './ferry-processes';
import { startReceiver, type Receiver } from './receivers';

/**
 * A client written against Quay's documentation and API reference, step by step: who am I, an
 * organization, a robot, a repository set to MIRROR, the mirror with Quay's default body, a
 * sync, a webhook, then the robot and the repository removed (the mirror with it).
 */
describe("Quay's clients, unchanged, against Ferry", () => {
  const names = testEventLogNames();
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let webhook: Receiver;
  let oidc: OidcIssuer;
  let upstreamDigests: Record<string, string>;
  let robotToken = '';
  const responses: string[] = [];
  const api = apiClient(() => ferry, responses);
  const repo = '/repository/quayorg/etcd';

  before(async () => {
    [upstream, target, db, webhook, oidc] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase(), startReceiver(), startOidcIssuer()]);
    for (const [tag, seed] of [['v1.0', 'q-v1.0'], ['v1.1', 'q-v1.1'], ['latest', 'q-latest'], ['v2.0', 'q-v2.0']] as const) {
      await pushImage(upstream, 'coreos/etcd', tag, { mediaType: 'oci', layers: [{ seed, size: 2048 }] });
    }
    upstreamDigests = await tagDigests(upstream, 'coreos/etcd');
    ferry = await startFerry({ ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }), FERRY_OIDC_ISSUER: oidc.issuer, FERRY_OIDC_AUDIENCE: 'ferry' });
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop(), webhook?.close(), oidc?.stop()]);
    await db?.drop();
  });

  it('answers who the token belongs to (GET /user/)', async () => {
    const me = await api('GET', '/user/');
    assert.equal(me.status, 200);
    assert.equal(me.json.anonymous, false);
    assert.equal(me.json.username, 'admin');
    assert.equal(me.json.super_user, true);
    assert.ok(Array.isArray(me.json.organizations));
    const anonymous = await apiClient(() => ferry, [], () => null)('GET', '/user/');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json.error_type, 'invalid_token');
  });

  it('creates an organization, a robot and a repository in Quay\'s shapes and statuses', async () => {
    const org = await api('POST', '/organization/', { name: 'quayorg', email: 'ops@example.com' });
    assert.equal(org.status, 201);
    assert.equal(org.json, 'Created');
    assert.match(org.contentType ?? '', /^application\/json/, 'Quay answers the JSON string "Created"');
    const view = await api('GET', '/organization/quayorg');
    assert.equal(view.status, 200);
    assert.equal(view.json.name, 'quayorg');
    assert.equal(view.json.is_admin, true);
    assert.equal((await api('GET', '/user/')).json.organizations[0].name, 'quayorg');

    const robot = await api('PUT', '/organization/quayorg/robots/mirrorbot', { description: 'writes mirrored images' });
    assert.equal(robot.status, 201);
    assert.equal(robot.json.name, 'quayorg+mirrorbot');
    assert.match(robot.json.token, /^ferry_rbt_/);
    robotToken = robot.json.token;
    assert.equal((await api('GET', '/organization/quayorg/robots/mirrorbot')).json.token, robotToken, 'the token is shown again to an organization admin, as Quay does');
    assert.deepEqual((await api('GET', '/organization/quayorg/robots')).json.robots.map((r: { name: string }) => r.name), ['quayorg+mirrorbot']);

    const created = await api('POST', '/repository', { repository: 'etcd', namespace: 'quayorg', visibility: 'private', description: 'mirror of etcd', repo_kind: 'image' });
    assert.equal(created.status, 201);
    assert.deepEqual(created.json, { namespace: 'quayorg', name: 'etcd', kind: 'image' });
    const got = await api('GET', repo);
    assert.equal(got.status, 200);
    assert.equal(got.json.state, 'NORMAL');
    assert.equal(got.json.is_public, false);
    assert.equal(got.json.description, 'mirror of etcd');
    assert.equal((await api('POST', '/repository', { repository: 'etcd', namespace: 'quayorg', visibility: 'private', description: '' })).status, 409);
  });

  it('sets the repository to MIRROR and configures the mirror with Quay\'s default body', async () => {
    const state = await api('PUT', `${repo}/changestate`, { state: 'MIRROR' });
    assert.equal(state.status, 200);
    assert.deepEqual(state.json, { success: true });
    assert.equal((await api('PUT', `${repo}/changestate`, { state: 'FROZEN' })).json.errors[0].field, 'state');

    const res = await documentedFetch(`${ferry.apiUrl}/api/v1${repo}/mirror`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ferry.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        is_enabled: true,
        external_reference: `${upstream.host}/coreos/etcd`,
        external_registry_username: null,
        external_registry_password: null,
        sync_interval: 86400,
        sync_start_date: '2099-01-01T00:00:00Z',
        robot_username: 'quayorg+mirrorbot',
        skopeo_timeout_interval: 300,
        root_rule: { rule_kind: 'tag_glob_csv', rule_value: ['v1.*', 'latest'] },
        external_registry_config: { verify_tls: false, unsigned_images: false, proxy: { http_proxy: null, https_proxy: null, no_proxy: null } },
        // Not in Quay's schema, which ignores it; so does Ferry, saying so.
        unsigned_images: false,
      }),
    });
    const body = (await res.json()) as Record<string, any>;
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.match(res.headers.get('warning') ?? '', /^299 ferry "unknown fields ignored: unsigned_images"$/);
    assert.equal(body.external_registry_config.unsigned_images, false);
    assert.equal(body.signature_policy, 'accept');
    assert.equal(body.skopeo_timeout_interval, 300);
    // A known field with a wrong value is still refused, naming it.
    const wrong = await api('PUT', `${repo}/mirror`, { sync_interval: 'daily', colour: 'blue' });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.json.errors.map((e: { field: string }) => e.field), ['sync_interval']);
    // Quay's mirror POST gives its robot write on the repository.
    assert.equal((await api('GET', `${repo}/permissions/user/`)).json.permissions['quayorg+mirrorbot'].role, 'write');
  });

  it('syncs with unsigned_images false, copying the unsigned images with the upstream\'s digests', async () => {
    const view = await syncNowAndWait(api, `${repo}/mirror`);
    assert.equal(view.sync_status, 'SUCCESS', JSON.stringify((await api('GET', `${repo}/mirror/runs/${view.last_run_id}`)).json));
    const copied = await tagDigests(target, 'quayorg/etcd');
    assert.deepEqual(copied, Object.fromEntries(Object.entries(upstreamDigests).filter(([tag]) => tag !== 'v2.0')));
    const mirror = (await api('GET', `${repo}/mirror`)).json;
    assert.equal(mirror.robot_username, 'quayorg+mirrorbot');
    assert.deepEqual(mirror.root_rule, { rule_kind: 'tag_glob_csv', rule_value: ['v1.*', 'latest'] });
    const repository = (await api('GET', repo)).json;
    assert.equal(repository.state, 'MIRROR');
    assert.equal(repository.can_write, false, 'nobody writes by hand into a mirrored repository');
    assert.equal(repository.can_admin, true);
  });

  it('adds a webhook, and names the performer of every usage-log entry', async () => {
    const rule = await api('POST', `${repo}/notification/`, { event: 'repo_mirror_sync_success', method: 'webhook', config: { url: `${webhook.url}/quay` }, eventConfig: {}, title: 'done' });
    assert.equal(rule.status, 201, JSON.stringify(rule.json));
    const logs = (await api('GET', `${repo}/mirror/logs?limit=500`)).json.logs as { kind: string; performer: { kind: string; name: string; is_robot: boolean } | null }[];
    assert.ok(logs.length > 5);
    assert.deepEqual(logs.filter((l) => !l.performer), [], 'every entry names its performer');
    const by = (kind: string) => logs.find((l) => l.kind === kind)!.performer!;
    assert.deepEqual([by('MirrorCreated').kind, by('MirrorCreated').name, by('MirrorCreated').is_robot], ['user', 'admin', false]);
    assert.equal(by('RepositoryStateChanged').name, 'admin');
    assert.equal(by('MirrorRunScheduled').name, 'scheduler');
    assert.equal(by('MirrorSucceeded').name, 'sync-worker');
  });

  it('deletes the robot, then the repository, and the mirror goes with it', async () => {
    assert.equal((await api('DELETE', '/organization/quayorg/robots/mirrorbot')).status, 204);
    assert.equal((await api('GET', '/organization/quayorg/robots/mirrorbot')).status, 404);
    assert.equal((await api('DELETE', '/organization/quayorg/robots/mirrorbot')).status, 404);
    assert.equal((await api('DELETE', repo)).status, 204);
    assert.equal((await api('GET', `${repo}/mirror`)).status, 404);
    assert.equal((await api('GET', repo)).status, 404);
    // The target keeps its images: deleting a mirror never deletes what it copied.
    assert.equal(Object.keys(await tagDigests(target, 'quayorg/etcd')).length, 3);
  });

  it('answers an empty list of notifications for a repository without rules', async () => {
    assert.equal((await api('POST', '/repository', { repository: 'plain', namespace: 'quayorg', visibility: 'private', description: '' })).status, 201);
    const list = await api('GET', '/repository/quayorg/plain/notification/');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.notifications, []);
  });

  it('refuses a revoked token within one second on every replica', async () => {
    const port = await freePort();
    ferry.start('mirror-config', { FERRY_API_PORT: String(port), FERRY_GRPC_PORT: String(await freePort()) }, 'mirror-config-2');
    const second = `http://127.0.0.1:${port}`;
    await waitForApi(second, ferry.adminToken, () => false, ferry.output);
    const token = await createUserWithToken(api, ferry.apiUrl, 'carol');
    const onSecond = apiClient(() => ({ apiUrl: second, adminToken: token }));
    assert.equal((await onSecond('GET', '/user/')).status, 200);
    const asCarol = apiClient(() => ({ apiUrl: ferry.apiUrl, adminToken: token }));
    const uuid = (await asCarol('GET', '/user/apptoken')).json.tokens[0].uuid;
    assert.equal((await asCarol('DELETE', `/user/apptoken/${uuid}`)).status, 204);
    const revokedAt = Date.now();
    await eventually(async () => ((await onSecond('GET', '/user/')).status === 401 ? true : undefined), 1_000, 'the other replica to refuse the revoked token');
    assert.ok(Date.now() - revokedAt < 1_000);
    assert.equal((await asCarol('GET', '/user/')).status, 401);
    await ferry.stop('mirror-config-2');
  });

  it('signs in automation with a bearer JWT of the OIDC issuer, mapped to a Ferry user by its claim', async () => {
    assert.equal((await api('POST', '/superuser/users/', { username: 'dave' })).status, 200);
    const as = (jwt: string) => apiClient(() => ferry, [], () => jwt)('GET', '/user/');
    const good = await as(await oidc.sign({ preferred_username: 'dave', sub: 'd-1' }));
    assert.equal(good.status, 200);
    assert.equal(good.json.username, 'dave');
    for (const [what, jwt] of [
      ['an expired token', await oidc.sign({ preferred_username: 'dave' }, { expiresIn: -120 })],
      ['a wrong audience', await oidc.sign({ preferred_username: 'dave' }, { audience: 'not-ferry' })],
      ['a bad signature', await oidc.sign({ preferred_username: 'dave' }, { forgedKey: true })],
      ['no such Ferry user', await oidc.sign({ preferred_username: 'mallory' })],
    ] as const) {
      const refused = await as(jwt);
      assert.equal(refused.status, 401, what);
      assert.equal(refused.json.code, 'UNAUTHENTICATED', what);
    }
  });

  it('logs failed sign-ins and slows them down per user and address, with Retry-After', async () => {
    assert.equal((await api('POST', '/superuser/users/', { username: 'erin', password: 'the-right-password' })).status, 200);
    const signIn = (password: string) => documentedFetch(`${ferry.apiUrl}/api/v1/user/`, { headers: { authorization: `Basic ${Buffer.from(`erin:${password}`).toString('base64')}` } });
    for (let i = 0; i < 5; i++) assert.equal((await signIn(`guess-${i}`)).status, 401);
    const throttled = await signIn('the-right-password');
    assert.equal(throttled.status, 429, 'even the right password waits once guessing has started');
    assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
    assert.equal(((await throttled.json()) as { code: string }).code, 'SIGN_IN_THROTTLED');
    const failed = ferry.logLines().find((l) => l.msg === `sign-in failed for user erin from ${l.address} (5 in a row)`);
    assert.ok(failed, 'the fifth failed sign-in is logged');
    assert.deepEqual([failed.level, failed.user, failed.failures], ['warn', 'erin', 5]);
    assert.ok(!ferry.output().includes('guess-'), 'no password in the log');
    await new Promise((r) => setTimeout(r, Number(throttled.headers.get('retry-after')) * 1000 + 100));
    assert.equal((await signIn('the-right-password')).status, 200);
  });

  it('never shows a token or a password in a log line, an event or a response other than its creation', async () => {
    const secrets = { 'admin password': ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD!, 'admin token': ferry.adminToken, 'robot token': robotToken };
    const events = JSON.stringify(await readEventLog(names));
    const output = ferry.output();
    const answers = responses.filter((r) => !r.includes('"token_code"') && !r.includes('"token":"ferry_rbt_') && !r.includes('"password"'));
    for (const [what, secret] of Object.entries(secrets)) {
      assert.equal(events.includes(secret), false, `${what} in an event`);
      assert.equal(output.includes(secret), false, `${what} in a log line`);
      assert.equal(answers.some((a) => a.includes(secret)), false, `${what} in a response`);
    }
  });
});
