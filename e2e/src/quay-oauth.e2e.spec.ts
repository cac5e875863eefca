import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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

/** What a registry token grants, from its `access` claim. */
function grantedActions(jwt: string): string[] {
  const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { access: { actions: string[] }[] };
  return claims.access.flatMap((a) => a.actions).sort();
}

/**
 * What Quay users automate around a mirror besides the mirror, driven as Quay's clients drive it
 * (the `infra.quay_configuration` collection's modules): an organization's OAuth applications and
 * the token its `quay_api_token` module mints through `/oauth/authorizeapp` after a password
 * sign-in; the encrypted password `docker login` takes; what a password change and a user's
 * delete end; and a default permission whose delegate is a team.
 */
describe("Quay's OAuth applications, encrypted passwords and team default permissions", () => {
  const names = testEventLogNames();
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let dir: string;
  const responses: string[] = [];
  const api = apiClient(() => ferry, responses);
  /** Every secret the spec saw; none may appear in a log line, an event, or an answer but the ones that show it. */
  const secrets: Record<string, string> = {};
  const PASSWORD = 'a-long-oauth-password-4';
  const NEW_PASSWORD = 'a-newer-oauth-password-5';

  /** Signs in to the target with skopeo, as `docker login` would; true when the registry let it in. */
  async function login(username: string, secret: string): Promise<boolean> {
    const authfile = join(mkdtempSync(join(dir, 'auth-')), 'auth.json');
    const { code } = await skopeo(['login', '--tls-verify=false', '--authfile', authfile, '--username', username, '--password-stdin', target.host], secret);
    return code === 0;
  }

  /** A pull of acme/etcd:v1.0 with these credentials. */
  async function pull(username: string, secret: string): Promise<{ code: number | null; output: string }> {
    return skopeo(['copy', '--src-tls-verify=false', '--src-creds', `${username}:${secret}`, `docker://${target.host}/acme/etcd:v1.0`, `dir:${mkdtempSync(join(dir, 'pull-'))}`]);
  }

  /** The registry token service's answer for Basic credentials and one scope: what it granted. */
  async function registryGrant(username: string, secret: string, scope: string): Promise<{ status: number; actions: string[] }> {
    const res = await documentedFetch(`${ferry.apiUrl}/v2/auth?service=${SERVICE}&scope=${encodeURIComponent(scope)}`, { headers: { authorization: `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}` } });
    if (res.status !== 200) return { status: res.status, actions: [] };
    return { status: 200, actions: grantedActions(((await res.json()) as { token: string }).token) };
  }

  const cookiesOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]!);

  /** A request to Ferry outside `apiClient`: cookies, the CSRF header, a JSON or form body; never follows a redirect. */
  async function send(method: string, path: string, init: { cookies?: string[]; csrf?: string; json?: unknown; form?: Record<string, string>; authorization?: string } = {}): Promise<Response> {
    const res = await documentedFetch(`${ferry.apiUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.cookies?.length ? { cookie: init.cookies.join('; ') } : {}),
        ...(init.csrf === undefined ? {} : { 'x-csrf-token': init.csrf }),
        ...(init.authorization === undefined ? {} : { authorization: init.authorization }),
      },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : init.form !== undefined ? { body: new URLSearchParams(init.form) } : {}),
    });
    responses.push(await res.clone().text());
    return res;
  }

  /** Quay's password sign-in for API clients (`GET /csrf_token`, `POST /api/v1/signin`): the session's cookies and its CSRF token. */
  async function signIn(username: string, password: string): Promise<{ cookies: string[]; csrf: string }> {
    const pre = await send('GET', '/csrf_token');
    assert.equal(pre.status, 200);
    const { csrf_token: csrf } = (await pre.json()) as { csrf_token: string };
    const signedIn = await send('POST', '/api/v1/signin', { cookies: cookiesOf(pre), csrf, json: { username, password } });
    assert.equal(signedIn.status, 200, `${username} signs in`);
    const next = signedIn.headers.get('x-next-csrf-token');
    assert.ok(next, "Quay's X-Next-CSRF-Token");
    const cookies = cookiesOf(signedIn).filter((c) => c.startsWith('ferry_session=') || c.startsWith('ferry_csrf='));
    secrets[`session-${username}-${Object.keys(secrets).length}`] = cookies.find((c) => c.startsWith('ferry_session='))!.slice('ferry_session='.length);
    return { cookies, csrf: next };
  }

  /**
   * The `quay_api_token` module's grant: the application's client id, Quay's own redirect URI,
   * the scopes separated by spaces, the session's CSRF token in `_csrf_token` (and in the header
   * its session sends on every request); the token is read from the 302's Location.
   */
  async function authorizeApp(session: { cookies: string[]; csrf: string }, clientId: string, scope: string, extra: Record<string, string> = {}): Promise<Response> {
    const form = { response_type: 'token', client_id: clientId, redirect_uri: `${ferry.apiUrl}/oauth/localapp`, scope, _csrf_token: session.csrf, ...extra };
    return send('POST', '/oauth/authorizeapp', { cookies: session.cookies, csrf: session.csrf, form });
  }

  const tokenFromLocation = (res: Response): string => {
    assert.equal(res.status, 302);
    const match = /access_token=(.*?)&/.exec(res.headers.get('location') ?? '');
    assert.ok(match, `a token in ${res.headers.get('location')}`);
    return decodeURIComponent(match[1]!);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-oauth-'));
    const tokens = await tokenServiceSetup(dir, SERVICE);
    [upstream, target, db] = await Promise.all([
      startRegistry(),
      startRegistry({ trustTokenService: tokens.trustTokenService, keepLog: true }),
      createTestDatabase(),
    ]);
    await pushImage(upstream, 'coreos/etcd', 'v1.0', { mediaType: 'oci', layers: [{ seed: 'oauth-v1.0', size: 2048 }] });
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      ...tokens.env,
    });
    assert.equal((await api('POST', '/organization/', { name: 'acme' })).status, 201);
    const robot = await api('PUT', '/organization/acme/robots/bot', { description: 'writes mirrors' });
    assert.equal(robot.status, 201);
    secrets.robot = robot.json.token;
    assert.equal((await api('POST', '/repository', { namespace: 'acme', repository: 'etcd', visibility: 'private', description: '' })).status, 201);
    assert.equal((await api('POST', '/repository/acme/etcd/mirror', onDemandMirrorBody(`${upstream.host}/coreos/etcd`, 'acme+bot', ['v1.*']))).status, 201);
    assert.equal((await syncNowAndWait(api, '/repository/acme/etcd/mirror')).sync_status, 'SUCCESS');
    // alice administers acme (her applications' tokens need it, as in Quay); bob only reads it.
    for (const username of ['alice', 'bob']) {
      assert.equal((await api('POST', '/superuser/users/', { username, password: PASSWORD })).status, 200);
    }
    secrets.password = PASSWORD;
    secrets.newPassword = NEW_PASSWORD;
    assert.equal((await api('PUT', '/organization/acme/permissions/user/alice', { role: 'admin' })).status, 200);
    assert.equal((await api('PUT', '/organization/acme/permissions/user/bob', { role: 'read' })).status, 200);
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop()]);
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('OAuth applications (the quay_application module)', () => {
    let clientId = '';

    it('creates, reads, changes, rereads, resets and deletes an application with Quay\'s statuses and bodies, and the same again changes nothing', async () => {
      const created = await api('POST', '/organization/acme/applications', { name: 'deployer', redirect_uri: 'https://ci.example.com/cb', description: 'ships images' });
      assert.equal(created.status, 200, JSON.stringify(created.json));
      clientId = created.json.client_id;
      secrets.clientSecret = created.json.client_secret;
      assert.match(clientId, /^[A-Za-z0-9]{20}$/);
      assert.match(secrets.clientSecret!, /^[A-Za-z0-9]{40}$/);
      assert.deepEqual(created.json, { name: 'deployer', description: 'ships images', application_uri: '', client_id: clientId, client_secret: secrets.clientSecret, redirect_uri: 'https://ci.example.com/cb', avatar_email: null });

      // What a user asked to authorize it sees (Quay's GET /app/{client_id}): never the secret.
      const info = await api('GET', `/app/${clientId}`);
      assert.equal(info.status, 200);
      assert.deepEqual([info.json.name, info.json.description, info.json.organization.name], ['deployer', 'ships images', 'acme']);
      assert.ok(!JSON.stringify(info.json).includes(secrets.clientSecret!));
      assert.equal((await api('GET', '/app/NoSuchClientId000000')).status, 404);

      const list = await api('GET', '/organization/acme/applications');
      assert.equal(list.status, 200);
      assert.deepEqual(list.json, { applications: [created.json] });
      assert.deepEqual((await api('GET', `/organization/acme/applications/${clientId}`)).json, created.json);

      const change = { name: 'deployer', redirect_uri: 'https://ci.example.com/cb', application_uri: 'https://ci.example.com', description: 'ships images', avatar_email: 'ci@example.com' };
      const changed = await api('PUT', `/organization/acme/applications/${clientId}`, change);
      assert.equal(changed.status, 200);
      assert.deepEqual(changed.json, { ...created.json, application_uri: 'https://ci.example.com', avatar_email: 'ci@example.com' });
      assert.deepEqual((await api('GET', `/organization/acme/applications/${clientId}`)).json, changed.json);
      const eventsBefore = (await readEventLog(names)).length;
      assert.equal((await api('PUT', `/organization/acme/applications/${clientId}`, change)).status, 200);
      assert.equal((await readEventLog(names)).length, eventsBefore, 'the same change again appends nothing');

      const reset = await api('POST', `/organization/acme/applications/${clientId}/resetclientsecret`);
      assert.equal(reset.status, 200);
      secrets.resetSecret = reset.json.client_secret;
      assert.notEqual(secrets.resetSecret, secrets.clientSecret);
      assert.equal((await api('GET', `/organization/acme/applications/${clientId}`)).json.client_secret, secrets.resetSecret);

      // Bad input: 400 naming the field, nothing made.
      const bad = await api('POST', '/organization/acme/applications', { redirect_uri: 'javascript:alert(1)' });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.json.errors.map((e: { field: string }) => e.field).sort(), ['name', 'redirect_uri']);
      assert.equal((await api('PUT', `/organization/acme/applications/${clientId}`, { name: 'x' })).status, 400);
      assert.equal((await api('GET', '/organization/acme/applications')).json.applications.length, 1);
      assert.equal((await api('GET', '/organization/acme/applications/NoSuchClientId000000')).status, 404);
      assert.equal((await api('GET', '/organization/nowhere/applications')).status, 404);
    });

    it('shows applications to the organization\'s admins only (Quay\'s org:admin)', async () => {
      const bobToken = await createUserWithToken(api, ferry.apiUrl, 'reader');
      secrets.reader = bobToken;
      assert.equal((await api('PUT', '/organization/acme/permissions/user/reader', { role: 'read' })).status, 200);
      const asReader = apiClient(() => ferry, responses, () => bobToken);
      assert.equal((await asReader('GET', '/organization/acme/applications')).status, 403);
      assert.equal((await asReader('POST', '/organization/acme/applications', { name: 'sneaky' })).status, 403);
      assert.equal((await asReader('GET', `/organization/acme/applications/${clientId}`)).status, 403);
    });

    it('mints a token through /oauth/authorizeapp after a password sign-in, which does what its scopes allow and no more, survives the secret\'s reset and dies with the application', async () => {
      const session = await signIn('alice', PASSWORD);
      // Without the session's CSRF token (a cross-site form could send the cookie): 403, no token.
      const forged = await send('POST', '/oauth/authorizeapp', { cookies: session.cookies, form: { response_type: 'token', client_id: clientId, redirect_uri: `${ferry.apiUrl}/oauth/localapp`, scope: 'repo:read' } });
      assert.equal(forged.status, 403);
      assert.equal((await send('POST', '/oauth/authorizeapp', { form: { response_type: 'token', client_id: clientId, scope: 'repo:read' } })).status, 401);
      // With the CSRF token in the form alone (Quay reads `_csrf_token` first).
      const formOnly = await send('POST', '/oauth/authorizeapp', { cookies: session.cookies, form: { response_type: 'token', client_id: clientId, redirect_uri: `${ferry.apiUrl}/oauth/localapp`, scope: 'repo:read', _csrf_token: session.csrf } });
      secrets.formOnly = tokenFromLocation(formOnly);

      const granted = await authorizeApp(session, clientId, 'repo:read user:read', { state: 'abc' });
      const location = granted.headers.get('location')!;
      assert.ok(location.startsWith(`${ferry.apiUrl}/oauth/localapp?scope=repo%3Aread+user%3Aread&state=abc#access_token=`), location);
      assert.match(location, /&token_type=Bearer&expires_in=315576000$/);
      const token = tokenFromLocation(granted);
      secrets.appToken = token;
      const asApp = apiClient(() => ferry, responses, () => token);

      // What repo:read and user:read allow: the repository, its tags, the user.
      assert.equal((await asApp('GET', '/repository/acme/etcd')).status, 200);
      assert.equal((await asApp('GET', '/user/')).json.username, 'alice');
      // And no more, though alice administers acme: no change to the repository, no org:admin route, no token minting.
      assert.equal((await asApp('PUT', '/repository/acme/etcd', { description: 'changed' })).status, 403);
      assert.equal((await asApp('GET', '/organization/acme/applications')).status, 403);
      assert.equal((await asApp('POST', '/user/apptoken', { title: 'escalate' })).status, 403);
      // The registry lets it pull, never push.
      assert.deepEqual(await registryGrant('alice', token, 'repository:acme/etcd:pull,push'), { status: 200, actions: ['pull'] });
      const pulled = await pull('alice', token);
      assert.equal(pulled.code, 0, pulled.output);
      // Not one of alice's app tokens (her session is): Quay lists those apart.
      const ownTokens = await send('GET', '/api/v1/user/apptoken', { cookies: session.cookies });
      assert.deepEqual(((await ownTokens.json()) as { tokens: { title: string }[] }).tokens.map((t) => t.title), ['web console session']);

      // Quay's OAuth errors go to the redirect URI; a redirect URI Ferry may not send to is a 400.
      assert.match((await authorizeApp(session, clientId, 'repo:read', { response_type: 'code' })).headers.get('location')!, /\?error=unsupported_response_type$/);
      assert.match((await authorizeApp(session, clientId, 'repo:launch')).headers.get('location')!, /\?error=invalid_scope$/);
      const elsewhere = await authorizeApp(session, clientId, 'repo:read', { redirect_uri: 'https://evil.example.com/steal' });
      assert.equal(elsewhere.status, 400);
      assert.equal(((await elsewhere.json()) as { errors: { field: string }[] }).errors[0]!.field, 'redirect_uri');
      // Only the organization's admins authorize its applications (Quay's rule).
      const bobSession = await signIn('bob', PASSWORD);
      assert.match((await authorizeApp(bobSession, clientId, 'repo:read')).headers.get('location')!, /\?error=unauthorized_client$/);

      // Alice sees what she authorized (Quay's /user/authorizations), never the tokens, and revokes one.
      const authorizations = await send('GET', '/api/v1/user/authorizations', { cookies: session.cookies });
      const listed = ((await authorizations.json()) as { authorizations: { uuid: string; application: { name: string }; scopes: { scope: string }[] }[] }).authorizations;
      assert.deepEqual(listed.map((a) => [a.application.name, a.scopes.map((s) => s.scope)]), [['deployer', ['repo:read']], ['deployer', ['repo:read', 'user:read']]]);
      assert.equal((await send('DELETE', `/api/v1/user/authorizations/${listed[0]!.uuid}`, { cookies: session.cookies, csrf: session.csrf })).status, 204);
      assert.equal((await send('DELETE', `/api/v1/user/authorizations/${listed[0]!.uuid}`, { cookies: session.cookies, csrf: session.csrf })).status, 404);
      assert.equal((await apiClient(() => ferry, responses, () => secrets.formOnly!)('GET', '/repository/acme/etcd')).status, 401, 'the revoked authorization\'s token is refused');

      assert.equal((await api('POST', `/organization/acme/applications/${clientId}/resetclientsecret`)).status, 200);
      assert.equal((await asApp('GET', '/repository/acme/etcd')).status, 200, 'a reset secret leaves the tokens, as in Quay');

      assert.equal((await api('DELETE', `/organization/acme/applications/${clientId}`)).status, 204);
      assert.equal((await asApp('GET', '/repository/acme/etcd')).status, 401, 'the deleted application\'s token is refused');
      assert.equal((await registryGrant('alice', token, 'repository:acme/etcd:pull')).status, 401);
      assert.equal((await api('DELETE', `/organization/acme/applications/${clientId}`)).status, 404);
      assert.equal((await api('GET', `/organization/acme/applications/${clientId}`)).status, 404);
      assert.deepEqual((await api('GET', '/organization/acme/applications')).json, { applications: [] });
      const tokens = (await readEventLog(names)).filter((e) => e.type === 'ApiTokenRevoked' && (e.data as { username: string }).username === 'alice');
      assert.equal(tokens.length, 2, 'the token alice revoked, and the one the application\'s delete revoked');
      assert.deepEqual(((await (await send('GET', '/api/v1/user/authorizations', { cookies: session.cookies })).json()) as { authorizations: unknown[] }).authorizations, []);
    });
  });

  describe("encrypted passwords (POST /user/clientkey) and what a password change ends", () => {
    it('gives alice a key that logs in to the registry in place of her password, and stops it (and her sessions, not her API token) when a superuser changes the password', async () => {
      const session = await signIn('alice', PASSWORD);
      const wrong = await send('POST', '/api/v1/user/clientkey', { cookies: session.cookies, csrf: session.csrf, json: { password: 'not-her-password-1' } });
      assert.equal(wrong.status, 400);
      assert.equal(((await wrong.json()) as { errors: { field: string }[] }).errors[0]!.field, 'password');
      const issued = await send('POST', '/api/v1/user/clientkey', { cookies: session.cookies, csrf: session.csrf, json: { password: PASSWORD } });
      assert.equal(issued.status, 200);
      const { key } = (await issued.json()) as { key: string };
      secrets.clientKey = key;
      assert.ok(await login('alice', key), 'skopeo login with the encrypted password');
      assert.equal((await pull('alice', key)).code, 0);
      assert.deepEqual(await registryGrant('alice', key, 'repository:acme/etcd:pull'), { status: 200, actions: ['pull'] });
      assert.equal(await login('bob', key), false, 'alice\'s key is no one else\'s');

      const apiTokenOfAlice = await send('POST', '/api/v1/user/apptoken', { cookies: session.cookies, csrf: session.csrf, json: { title: 'ci' } });
      const aliceToken = ((await apiTokenOfAlice.json()) as { token: { token_code: string } }).token.token_code;
      secrets.aliceToken = aliceToken;

      const changed = await api('PUT', '/superuser/users/alice', { password: NEW_PASSWORD });
      assert.equal(changed.status, 200);
      assert.equal(await login('alice', key), false, 'the key stops with the password it stood for');
      assert.equal(await login('alice', PASSWORD), false);
      assert.ok(await login('alice', NEW_PASSWORD));
      assert.equal((await send('GET', '/api/v1/user/', { cookies: session.cookies })).status, 401, 'her session ended (Quay\'s invalidate_all_sessions)');
      assert.equal((await apiClient(() => ferry, responses, () => aliceToken)('GET', '/user/')).status, 200, 'her API token lives on, as in Quay');

      // Her own change keeps the session it came with, and ends her other sessions.
      const mine = await signIn('alice', NEW_PASSWORD);
      const other = await signIn('alice', NEW_PASSWORD);
      assert.equal((await send('PUT', '/api/v1/user/', { cookies: mine.cookies, csrf: mine.csrf, json: { password: PASSWORD } })).status, 200);
      assert.equal((await send('GET', '/api/v1/user/', { cookies: mine.cookies })).status, 200);
      assert.equal((await send('GET', '/api/v1/user/', { cookies: other.cookies })).status, 401);
      const fresh = await send('POST', '/api/v1/user/clientkey', { cookies: mine.cookies, csrf: mine.csrf, json: { password: PASSWORD } });
      secrets.freshKey = ((await fresh.json()) as { key: string }).key;
      assert.ok(await login('alice', secrets.freshKey));
    });

    it('refuses everything of a deleted user: API token, session, encrypted password, application token', async () => {
      assert.equal((await api('POST', '/superuser/users/', { username: 'erin', password: PASSWORD })).status, 200);
      assert.equal((await api('PUT', '/organization/acme/permissions/user/erin', { role: 'admin' })).status, 200);
      const session = await signIn('erin', PASSWORD);
      const token = ((await (await send('POST', '/api/v1/user/apptoken', { cookies: session.cookies, csrf: session.csrf, json: { title: 'ci' } })).json()) as { token: { token_code: string } }).token.token_code;
      const key = ((await (await send('POST', '/api/v1/user/clientkey', { cookies: session.cookies, csrf: session.csrf, json: { password: PASSWORD } })).json()) as { key: string }).key;
      const app = await api('POST', '/organization/acme/applications', { name: 'erins' });
      secrets.erinAppSecret = app.json.client_secret;
      const appToken = tokenFromLocation(await authorizeApp(session, app.json.client_id, 'repo:read'));
      Object.assign(secrets, { erinToken: token, erinKey: key, erinAppToken: appToken });
      const asErin = apiClient(() => ferry, responses, () => token);
      assert.equal((await asErin('GET', '/user/')).status, 200);

      assert.equal((await api('DELETE', '/superuser/users/erin')).status, 204);
      assert.equal((await asErin('GET', '/user/')).status, 401, 'a deleted user\'s token is refused');
      assert.equal((await apiClient(() => ferry, responses, () => appToken)('GET', '/repository/acme/etcd')).status, 401);
      assert.equal((await send('GET', '/api/v1/user/', { cookies: session.cookies })).status, 401);
      assert.equal(await login('erin', key), false);
      assert.equal((await registryGrant('erin', token, 'repository:acme/etcd:pull')).status, 401);
      assert.equal((await api('DELETE', '/superuser/users/erin')).status, 404);
      assert.equal((await api('DELETE', `/organization/acme/applications/${app.json.client_id}`)).status, 204);
    });
  });

  it('deletes an organization\'s applications with it, and the tokens they minted', async () => {
    assert.equal((await api('POST', '/organization/', { name: 'shortlived' })).status, 201);
    assert.equal((await api('PUT', '/organization/shortlived/permissions/user/alice', { role: 'admin' })).status, 200);
    const app = await api('POST', '/organization/shortlived/applications', { name: 'gone-soon' });
    assert.equal(app.status, 200);
    secrets.shortlivedSecret = app.json.client_secret;
    const token = tokenFromLocation(await authorizeApp(await signIn('alice', PASSWORD), app.json.client_id, 'user:read'));
    secrets.shortlivedToken = token;
    const asApp = apiClient(() => ferry, responses, () => token);
    assert.equal((await asApp('GET', '/user/')).status, 200);
    assert.equal((await api('DELETE', '/organization/shortlived')).status, 204);
    assert.equal((await asApp('GET', '/user/')).status, 401);
    assert.equal((await api('GET', `/organization/shortlived/applications/${app.json.client_id}`)).status, 404);
  });

  describe('default permissions with a team delegate', () => {
    it('grants a new repository to the team, whose members may then push to it; the prototype reads, changes and deletes in Quay\'s shape', async () => {
      assert.equal((await api('PUT', '/organization/acme/team/builders', { role: 'member', description: 'push images' })).status, 200);
      const builder = await createUserWithToken(api, ferry.apiUrl, 'builder');
      secrets.builder = builder;
      assert.equal((await api('PUT', '/organization/acme/team/builders/members/builder')).status, 200);

      const created = await api('POST', '/organization/acme/prototypes', { role: 'write', delegate: { name: 'builders', kind: 'team' } });
      assert.equal(created.status, 200, JSON.stringify(created.json));
      assert.deepEqual({ ...created.json, id: '' }, { activating_user: null, delegate: { name: 'builders', kind: 'team', avatar: { name: 'builders', hash: '', color: '#0066cc', kind: 'team' } }, role: 'write', id: '' });
      assert.deepEqual((await api('GET', '/organization/acme/prototypes')).json.prototypes, [created.json]);
      assert.equal((await api('POST', '/organization/acme/prototypes', { role: 'write', delegate: { name: 'ghosts', kind: 'team' } })).status, 400);

      assert.equal((await api('POST', '/repository', { namespace: 'acme', repository: 'built', visibility: 'private', description: '' })).status, 201);
      const teamGrant = await api('GET', '/repository/acme/built/permissions/team/builders');
      assert.equal(teamGrant.status, 200);
      assert.equal(teamGrant.json.role, 'write');
      assert.deepEqual(await registryGrant('builder', builder, 'repository:acme/built:pull,push'), { status: 200, actions: ['pull', 'push'] });
      assert.deepEqual(await registryGrant('builder', builder, 'repository:acme/etcd:pull,push'), { status: 200, actions: [] }, 'repositories made before it are not granted');

      assert.equal((await api('PUT', `/organization/acme/prototypes/${created.json.id}`, { role: 'read' })).json.role, 'read');
      assert.equal((await api('DELETE', `/organization/acme/prototypes/${created.json.id}`)).status, 204);
      assert.equal((await api('DELETE', `/organization/acme/prototypes/${created.json.id}`)).status, 404);
      assert.equal((await api('POST', '/repository', { namespace: 'acme', repository: 'later', visibility: 'private', description: '' })).status, 201);
      assert.equal((await api('GET', '/repository/acme/later/permissions/team/builders')).status, 404);
    });
  });

  it('never shows a client secret, token, password or key in a log line, an event, or an answer other than the ones that show it', async () => {
    const events = JSON.stringify(await readEventLog(names));
    const output = ferry.output() + target.log();
    const showing = (r: string) => r.includes('"client_secret":"') || r.includes('"key":"ferry_ckey_') || r.includes('"token":"ferry_') || r.includes('"token_code"') || r.includes('"csrf_token"');
    assert.ok(responses.some(showing), 'some answers showed a secret');
    const answers = responses.filter((r) => !showing(r));
    assert.ok(Object.keys(secrets).length >= 15, Object.keys(secrets).join(', '));
    for (const [what, secret] of Object.entries(secrets)) {
      assert.ok(secret && secret.length >= 16, what);
      assert.equal(events.includes(secret), false, `${what} in an event`);
      assert.equal(output.includes(secret), false, `${what} in a log line`);
      assert.equal(answers.some((a) => a.includes(secret)), false, `${what} in an answer`);
    }
  });
});
