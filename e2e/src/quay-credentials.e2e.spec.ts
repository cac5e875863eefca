import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, pushImage, startRegistry, testEventLogNames, type RunningRegistry, type TestDatabase } from '@ferry/testing';
import { apiClient, createUserWithToken, onDemandMirrorBody, syncNowAndWait } from './api-client';
import { documentedFetch } from './api-document';
import { runCommand } from './commands';
import { destroyEventLog, readEventLog } from './event-log';
import { startFerry, testDeploymentEnv, tokenServiceSetup, type FerryProcesses } from './ferry-processes';

const SERVICE = 'ferry-registry';

/** `skopeo` as a user runs it against plain-HTTP loopback registries. */
const skopeo = (args: string[], stdin?: string) => runCommand('skopeo', ['--insecure-policy', ...args], { env: process.env as Record<string, string>, ...(stdin === undefined ? {} : { stdin }) });

/**
 * Quay's clients reading credentials again: a robot's token (`GET .../robots/{name}`, and "View
 * Credentials" as a Docker login, a config.json and a Kubernetes pull secret), an app token's
 * `token_code`, and `docker login -u '$app'` with it; each reading on record, no secret elsewhere.
 */
describe("Quay's clients read robot and app tokens again", () => {
  const names = testEventLogNames();
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let dir: string;
  const responses: string[] = [];
  const api = apiClient(() => ferry, responses);
  /** Every secret the spec saw; none may appear in a log line, an event or an answer but the ones that show it. */
  const secrets: Record<string, string> = {};
  let readerToken = '';
  const asReader = apiClient(() => ferry, responses, () => readerToken);

  /** Signs in to the target with skopeo, as `docker login` would; the authfile it wrote, or null when refused. */
  async function login(username: string, secret: string): Promise<string | null> {
    const authfile = join(mkdtempSync(join(dir, 'auth-')), 'auth.json');
    const { code } = await skopeo(['login', '--tls-verify=false', '--authfile', authfile, '--username', username, '--password-stdin', target.host], secret);
    return code === 0 ? authfile : null;
  }

  const pullWith = (authfile: string) => skopeo(['copy', '--src-tls-verify=false', '--authfile', authfile, `docker://${target.host}/acme/etcd:v1.0`, `dir:${mkdtempSync(join(dir, 'pull-'))}`]);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-credentials-'));
    const tokens = await tokenServiceSetup(dir, SERVICE);
    [upstream, target, db] = await Promise.all([
      startRegistry(),
      startRegistry({ trustTokenService: tokens.trustTokenService, keepLog: true }),
      createTestDatabase(),
    ]);
    await pushImage(upstream, 'coreos/etcd', 'v1.0', { mediaType: 'oci', layers: [{ seed: 'credentials-v1.0', size: 2048 }] });
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      ...tokens.env,
    });
    assert.equal((await api('POST', '/organization/', { name: 'acme' })).status, 201);
    const robot = await api('PUT', '/organization/acme/robots/bot', { description: 'writes mirrors' });
    assert.equal(robot.status, 201);
    secrets.robotFirst = robot.json.token;
    assert.equal((await api('POST', '/repository', { namespace: 'acme', repository: 'etcd', visibility: 'private', description: '' })).status, 201);
    assert.equal((await api('POST', '/repository/acme/etcd/mirror', onDemandMirrorBody(`${upstream.host}/coreos/etcd`, 'acme+bot', ['v1.*']))).status, 201);
    assert.equal((await syncNowAndWait(api, '/repository/acme/etcd/mirror')).sync_status, 'SUCCESS');
    readerToken = await createUserWithToken(api, ferry.apiUrl, 'reader');
    secrets.reader = readerToken;
    assert.equal((await api('PUT', '/organization/acme/permissions/user/reader', { role: 'read' })).status, 200);
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop()]);
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows an organization admin the robot with its token, again and again; a reader gets 403, a missing robot 404', async () => {
    for (let i = 0; i < 2; i++) {
      const read = await api('GET', '/organization/acme/robots/bot');
      assert.equal(read.status, 200);
      assert.equal(read.json.name, 'acme+bot');
      assert.equal(read.json.description, 'writes mirrors');
      assert.equal(read.json.token, secrets.robotFirst);
    }
    const list = await api('GET', '/organization/acme/robots');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.robots.map((r: { name: string; token?: string }) => [r.name, r.token]), [['acme+bot', undefined]]);
    assert.equal((await asReader('GET', '/organization/acme/robots/bot')).status, 403);
    assert.equal((await asReader('GET', '/organization/acme/robots')).status, 200);
    assert.equal((await api('GET', '/organization/acme/robots/ghost')).status, 404);
  });

  it('lets the re-read robot token sign in to the registry and pull; a regenerated one replaces it at once', async () => {
    const reread = (await api('GET', '/organization/acme/robots/bot')).json.token as string;
    const authfile = await login('acme+bot', reread);
    assert.ok(authfile, 'skopeo login with the re-read robot token');
    const pulled = await pullWith(authfile);
    assert.equal(pulled.code, 0, pulled.output);
    const regenerated = await api('POST', '/organization/acme/robots/bot/regenerate');
    assert.equal(regenerated.status, 200);
    secrets.robotSecond = regenerated.json.token;
    assert.notEqual(secrets.robotSecond, secrets.robotFirst);
    assert.equal((await api('GET', '/organization/acme/robots/bot')).json.token, secrets.robotSecond);
    assert.equal(await login('acme+bot', secrets.robotFirst!), null, 'the old token is refused');
    assert.ok(await login('acme+bot', secrets.robotSecond!), 'the new token signs in');
  });

  it('offers "View Credentials": a docker login command, a config.json that pulls, and a Kubernetes pull secret holding it', async () => {
    const res = await api('GET', '/organization/acme/robots/bot/credentials');
    assert.equal(res.status, 200);
    const c = res.json;
    assert.deepEqual([c.username, c.password, c.registry], ['acme+bot', secrets.robotSecond, target.host]);
    assert.equal(c.docker_login, `docker login -u='acme+bot' -p='${secrets.robotSecond}' ${target.host}`);
    assert.deepEqual(Object.keys(c.docker_config.auths), [target.host]);
    assert.equal(Buffer.from(c.docker_config.auths[target.host].auth, 'base64').toString(), `acme+bot:${secrets.robotSecond}`);
    const authfile = join(mkdtempSync(join(dir, 'config-')), 'config.json');
    writeFileSync(authfile, JSON.stringify(c.docker_config));
    const pulled = await pullWith(authfile);
    assert.equal(pulled.code, 0, `a pull with the offered config.json: ${pulled.output}`);
    assert.deepEqual([c.kubernetes_secret.apiVersion, c.kubernetes_secret.kind, c.kubernetes_secret.type, c.kubernetes_secret.metadata.name], ['v1', 'Secret', 'kubernetes.io/dockerconfigjson', 'acme-bot-pull-secret']);
    assert.deepEqual(JSON.parse(Buffer.from(c.kubernetes_secret.data['.dockerconfigjson'], 'base64').toString()), c.docker_config);
    assert.equal((await asReader('GET', '/organization/acme/robots/bot/credentials')).status, 403);
    assert.equal((await api('GET', '/organization/acme/robots/ghost/credentials')).status, 404);
  });

  it("shows an app token's token_code to its owner again, signs in with `$app`, and stops both once it is revoked", async () => {
    const token = await createUserWithToken(api, ferry.apiUrl, 'carol');
    secrets.carol = token;
    const asCarol = apiClient(() => ferry, responses, () => token);
    assert.equal((await api('PUT', '/repository/acme/etcd/permissions/user/carol', { role: 'read' })).status, 200);
    const uuid = (await asCarol('GET', '/user/apptoken')).json.tokens[0].uuid as string;
    for (let i = 0; i < 2; i++) {
      const read = await asCarol('GET', `/user/apptoken/${uuid}`);
      assert.equal(read.status, 200);
      assert.equal(read.json.token.uuid, uuid);
      assert.equal(read.json.token.token_code, token);
    }
    assert.equal((await asCarol('GET', '/user/apptoken')).json.tokens.some((t: { token_code?: string }) => t.token_code !== undefined), false, 'a list shows no token_code');
    assert.equal((await asReader('GET', `/user/apptoken/${uuid}`)).status, 404, "another user's token is missing to them");

    const authfile = await login('$app', token);
    assert.ok(authfile, "skopeo login -u '$app' with the app token");
    const pulled = await pullWith(authfile);
    assert.equal(pulled.code, 0, pulled.output);
    const issued = await documentedFetch(`${ferry.apiUrl}/v2/auth?service=${SERVICE}&scope=repository:acme/etcd:pull`, { headers: { authorization: `Basic ${Buffer.from(`$app:${token}`).toString('base64')}` } });
    assert.equal(issued.status, 200);
    const jwt = ((await issued.json()) as { token: string }).token;
    assert.equal(JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).sub, 'carol');
    assert.equal(await login('$app', `ferry_pat_${'A'.repeat(43)}`), null, 'a wrong token under $app is refused');

    assert.equal((await asCarol('DELETE', `/user/apptoken/${uuid}`)).status, 204);
    assert.equal(await login('$app', token), null, 'a revoked token no longer signs in');
    assert.equal((await asReader('GET', `/user/apptoken/${uuid}`)).status, 404);
  });

  it('records every reading as RobotTokenRead or ApiTokenRead, with who read it and no secret', async () => {
    const events = await readEventLog(names);
    const robotReads = events.filter((e) => e.type === 'RobotTokenRead');
    // Two reads, one before the pull, one after the regenerate, and the credentials.
    assert.equal(robotReads.length, 5);
    assert.ok(robotReads.every((e) => e.actor?.name === 'admin' && JSON.stringify(e.data) === JSON.stringify({ username: 'acme+bot', namespace: 'acme' })));
    const tokenReads = events.filter((e) => e.type === 'ApiTokenRead');
    assert.equal(tokenReads.length, 2);
    assert.ok(tokenReads.every((e) => e.actor?.name === 'carol' && (e.data as { username: string }).username === 'carol'));
  });

  it("signs an API client in with a password through Quay's CSRF flow, and refuses a session's write without the header", async () => {
    const password = 'a-long-session-password-7';
    secrets.password = password;
    assert.equal((await api('POST', '/superuser/users/', { username: 'dana', password })).status, 200);
    const cookiesOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]!);
    const send = async (method: string, path: string, init: { cookies?: string[]; csrf?: string; body?: unknown } = {}) => {
      const res = await documentedFetch(`${ferry.apiUrl}${path}`, {
        method,
        headers: {
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(init.cookies?.length ? { cookie: init.cookies.join('; ') } : {}),
          ...(init.csrf === undefined ? {} : { 'x-csrf-token': init.csrf }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      const text = await res.clone().text();
      responses.push(text);
      return res;
    };

    const pre = await send('GET', '/csrf_token');
    assert.equal(pre.status, 200);
    const { csrf_token: csrf } = (await pre.json()) as { csrf_token: string };
    assert.ok(csrf.length >= 32);
    const preCookies = cookiesOf(pre);
    assert.equal(preCookies.length, 1);
    assert.match(pre.headers.getSetCookie()[0]!, /HttpOnly/i);

    // Quay refuses a sign-in whose CSRF token is missing or wrong, and so does Ferry: 403, no session.
    // (Without GET /csrf_token's cookie the sign-in is the web console's, which sends no token.)
    for (const [why, init] of [
      ['no header', { cookies: preCookies }],
      ['a wrong token', { cookies: preCookies, csrf: csrf.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }],
    ] as const) {
      const refused = await send('POST', '/api/v1/signin', { ...init, body: { username: 'dana', password } });
      assert.equal(refused.status, 403, why);
      assert.deepEqual(cookiesOf(refused), [], `no session cookie with ${why}`);
    }
    assert.equal((await send('POST', '/api/v1/signin', { cookies: preCookies, csrf, body: { username: 'dana', password: 'not-the-password' } })).status, 401);

    const signedIn = await send('POST', '/api/v1/signin', { cookies: preCookies, csrf, body: { username: 'dana', password } });
    assert.equal(signedIn.status, 200);
    const answer = (await signedIn.json()) as { success: boolean; username: string; csrf_token: string };
    assert.deepEqual([answer.success, answer.username], [true, 'dana']);
    const next = signedIn.headers.get('x-next-csrf-token');
    assert.equal(next, answer.csrf_token, "Quay's X-Next-CSRF-Token");
    const session = cookiesOf(signedIn).filter((c) => c.startsWith('ferry_session=') || c.startsWith('ferry_csrf='));
    assert.equal(session.length, 2);
    secrets.session = session.find((c) => c.startsWith('ferry_session='))!.slice('ferry_session='.length);

    const me = await send('GET', '/api/v1/user/', { cookies: session });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { username: string }).username, 'dana');
    const before = (await api('GET', '/superuser/users/')).json;
    const withoutHeader = await send('POST', '/api/v1/user/apptoken', { cookies: session, body: { title: 'no-csrf' } });
    assert.equal(withoutHeader.status, 403, 'a write with the session cookie and no X-CSRF-Token');
    assert.equal((await send('POST', '/api/v1/user/apptoken', { cookies: session, csrf: 'forged', body: { title: 'forged' } })).status, 403);
    const titles = async () => (((await (await send('GET', '/api/v1/user/apptoken', { cookies: session })).json()) as { tokens: { title: string }[] }).tokens.map((t) => t.title));
    assert.equal((await titles()).some((t) => t === 'no-csrf' || t === 'forged'), false, 'nothing was made');
    const made = await send('POST', '/api/v1/user/apptoken', { cookies: session, csrf: next!, body: { title: 'with-csrf' } });
    assert.equal(made.status, 200);
    secrets.dana = ((await made.json()) as { token: { token_code: string } }).token.token_code;
    assert.ok((await titles()).includes('with-csrf'));
    assert.deepEqual((await api('GET', '/superuser/users/')).json, before);
  });

  it('never shows a robot or app token in a log line, an event, or an answer other than the ones that show it', async () => {
    const events = JSON.stringify(await readEventLog(names));
    const output = ferry.output() + target.log();
    const showing = (r: string) => r.includes('"token":"ferry_') || r.includes('"token_code"') || r.includes('"docker_login"') || r.includes('"csrf_token"');
    const answers = responses.filter((r) => !showing(r));
    assert.ok(responses.some(showing), 'some answers showed a token');
    for (const [what, secret] of Object.entries(secrets)) {
      assert.equal(events.includes(secret), false, `${what} in an event`);
      assert.equal(output.includes(secret), false, `${what} in a log line`);
      assert.equal(answers.some((a) => a.includes(secret)), false, `${what} in an answer`);
    }
  });
});
