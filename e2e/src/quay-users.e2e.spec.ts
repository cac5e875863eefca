import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testEventLogNames, type TestDatabase } from '@ferry/testing';
import { apiClient, onDemandMirrorBody, type Api } from './api-client';
import { destroyEventLog, readEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';

const NEW_PASSWORD = 'quay-users-new-password-7';
const CHANGED_PASSWORD = 'quay-users-changed-again-8';

/**
 * What a Quay client automates around users and a mirror, as Quay answers it: an organization
 * created (the JSON string "Created"), updates sent again that change nothing (no event), and a
 * superuser managing a user (read, change password, e-mail and enabled, delete), with each effect
 * checked where it matters: signing in, tokens, grants.
 */
describe("Quay's user management and reruns, against Ferry", () => {
  const names = testEventLogNames();
  let db: TestDatabase;
  let ferry: FerryProcesses;
  const responses: string[] = [];
  const api = apiClient(() => ferry, responses);
  /** A client signed in with a user name and password (HTTP Basic), as Quay's clients may be. */
  const basic = (username: string, password: string) => fetch(`${ferry.apiUrl}/api/v1/user/`, { headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } });
  const as = (token: () => string): Api => apiClient(() => ferry, responses, token);
  const eventCount = async () => (await readEventLog(names)).length;

  before(async () => {
    db = await createTestDatabase();
    ferry = await startFerry({ ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: 'http://127.0.0.1:1' }) });
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await db?.drop();
  });

  it('creates an organization answering the JSON string "Created", as Quay does', async () => {
    const org = await api('POST', '/organization/', { name: 'people', email: 'ops@example.com' });
    assert.equal(org.status, 201);
    assert.match(org.contentType ?? '', /^application\/json/);
    assert.equal(org.json, 'Created');
    assert.equal((await api('GET', '/organization/people')).json.name, 'people');
  });

  it('appends nothing for updates sent again unchanged, and answers them as before', async () => {
    assert.equal((await api('PUT', '/organization/people/robots/syncer', { description: 'mirrors' })).status, 201);
    assert.equal((await api('POST', '/repository', { namespace: 'people', repository: 'app', visibility: 'private', description: '' })).status, 201);
    const body = onDemandMirrorBody('127.0.0.1:1/library/app', 'people+syncer', ['v*'], { external_registry_username: 'puller', external_registry_password: 'upstream-pass-9' });
    assert.equal((await api('POST', '/repository/people/app/mirror', body)).status, 201);
    const first = await api('PUT', '/repository/people/app/mirror', body);
    assert.equal(first.status, 200);

    const before = await eventCount();
    const again = await api('PUT', '/repository/people/app/mirror', body);
    assert.equal(again.status, 200);
    assert.deepEqual(again.json, first.json);
    assert.equal((await api('PUT', '/organization/people', { email: 'ops@example.com' })).status, 200);
    assert.equal(await eventCount(), before, 'no event for what changed nothing');

    const changed = await api('PUT', '/repository/people/app/mirror', { sync_interval: 7200 });
    assert.equal(changed.json.sync_interval, 7200);
    assert.equal(await eventCount(), before + 1, 'a real change is one event');
  });

  describe('default permissions (prototypes)', () => {
    let robotToken = '';
    let id = '';
    const robot = () => as(() => robotToken);
    const prototypes = '/organization/people/prototypes';

    before(async () => {
      const made = await api('PUT', '/organization/people/robots/builder', { description: 'builds' });
      assert.equal(made.status, 201);
      robotToken = made.json.token;
    });

    it('creates, reads, changes and rereads a default permission in Quay\'s shapes', async () => {
      assert.deepEqual((await api('GET', prototypes)).json, { prototypes: [] });
      const created = await api('POST', prototypes, { role: 'write', delegate: { name: 'people+builder', kind: 'user' } });
      assert.equal(created.status, 200);
      id = created.json.id;
      assert.deepEqual(created.json, {
        activating_user: null,
        delegate: { name: 'people+builder', is_robot: true, kind: 'user', is_org_member: true, avatar: { name: 'people+builder', hash: '', color: '#0066cc', kind: 'user' } },
        role: 'write',
        id,
      });
      assert.deepEqual((await api('GET', prototypes)).json, { prototypes: [created.json] });
      assert.deepEqual((await api('GET', `${prototypes}/${id}`)).json, created.json);
      for (const role of ['read', 'read', 'write']) {
        const changed = await api('PUT', `${prototypes}/${id}`, { role });
        assert.equal(changed.status, 200);
        assert.equal(changed.json.role, role);
      }
      assert.equal((await api('GET', `${prototypes}/${id}`)).json.role, 'write');
    });

    it('refuses a bad body naming the field, a team, someone unknown, and who is no organization admin', async () => {
      const named = async (body: unknown, field: string) => {
        const res = await api('POST', prototypes, body);
        assert.equal(res.status, 400, JSON.stringify(res.json));
        assert.ok(JSON.stringify(res.json).includes(field), `${JSON.stringify(res.json)} names ${field}`);
      };
      await named({ role: 'owner', delegate: { name: 'people+builder', kind: 'user' } }, 'role');
      await named({ role: 'read', delegate: { name: 'owners', kind: 'team' } }, 'delegate.name');
      await named({ role: 'read', delegate: { name: 'owners', kind: 'group' } }, 'delegate.kind');
      await named({ role: 'read', delegate: { name: 'people+ghost', kind: 'user' } }, 'delegate.name');
      await named({ role: 'read', delegate: { name: 'nobody-at-all', kind: 'user' } }, 'delegate.name');
      await named({ role: 'read', delegate: { name: 'people+builder', kind: 'user' }, activating_user: { name: 'nobody-at-all' } }, 'activating_user.name');
      assert.equal((await api('PUT', `${prototypes}/${id}`, { role: 'boss' })).status, 400);
      assert.equal((await robot()('GET', prototypes)).status, 403);
      assert.equal((await api('GET', prototypes)).json.prototypes.length, 1, 'nothing refused was stored');
    });

    it('grants a repository created afterwards, by the API or by a mirror: the robot may write there, and not where it was not granted', async () => {
      assert.notEqual((await robot()('GET', '/repository/people/app')).status, 200, 'a repository created before');
      assert.equal((await api('POST', '/repository', { namespace: 'people', repository: 'fresh', visibility: 'private', description: '' })).status, 201);
      const fresh = await robot()('GET', '/repository/people/fresh');
      assert.equal(fresh.status, 200);
      assert.equal(fresh.json.can_write, true);
      assert.equal((await api('GET', '/repository/people/fresh/permissions/user/people+builder')).json.role, 'write');
      const mirrored = await api('POST', '/repository/people/mirrored/mirror', onDemandMirrorBody('127.0.0.1:1/library/mirrored', 'people+syncer', ['v*']));
      assert.equal(mirrored.status, 201, JSON.stringify(mirrored.json));
      assert.equal((await api('GET', '/repository/people/mirrored/permissions/user/people+builder')).json.role, 'write');
    });

    it('deletes it: a repository created afterwards gets nothing; a second delete is a 404', async () => {
      assert.equal((await api('DELETE', `${prototypes}/${id}`)).status, 204);
      assert.equal((await api('DELETE', `${prototypes}/${id}`)).status, 404);
      assert.equal((await api('GET', `${prototypes}/${id}`)).status, 404);
      assert.equal((await api('PUT', `${prototypes}/${id}`, { role: 'read' })).status, 404);
      assert.deepEqual((await api('GET', prototypes)).json, { prototypes: [] });
      assert.equal((await api('POST', '/repository', { namespace: 'people', repository: 'later', visibility: 'private', description: '' })).status, 201);
      assert.notEqual((await robot()('GET', '/repository/people/later')).status, 200);
      assert.equal((await robot()('GET', '/repository/people/fresh')).status, 200, 'a repository created before keeps its grant');
    });
  });

  describe('a superuser managing a user', () => {
    let password = '';
    let token = '';
    const user = () => as(() => token);

    before(async () => {
      const created = await api('POST', '/superuser/users/', { username: 'erin', email: 'erin@example.com' });
      assert.equal(created.status, 200);
      password = created.json.password;
      const minted = await fetch(`${ferry.apiUrl}/api/v1/user/apptoken`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`erin:${password}`).toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'automation' }),
      });
      token = ((await minted.json()) as { token: { token_code: string } }).token.token_code;
      assert.equal((await api('PUT', '/repository/people/app/permissions/user/erin', { role: 'write' })).status, 200);
    });

    it('reads the user in Quay\'s shape; 404 for a user that does not exist', async () => {
      const got = await api('GET', '/superuser/users/erin');
      assert.equal(got.status, 200);
      assert.deepEqual(got.json, {
        kind: 'user',
        name: 'erin',
        username: 'erin',
        email: 'erin@example.com',
        verified: true,
        avatar: { name: 'erin', hash: '', color: '#0066cc', kind: 'user' },
        super_user: false,
        enabled: true,
      });
      assert.equal((await api('GET', '/superuser/users/nobody')).status, 404);
      assert.equal((await api('GET', '/superuser/users/people+syncer')).status, 404);
    });

    it('refuses who is no superuser, and changes no superuser', async () => {
      assert.equal((await user()('GET', '/superuser/users/erin')).status, 403);
      assert.equal((await user()('PUT', '/superuser/users/erin', { enabled: false })).status, 403);
      assert.equal((await user()('DELETE', '/superuser/users/erin')).status, 403);
      const superuser = await api('PUT', '/superuser/users/admin', { enabled: false });
      assert.equal(superuser.status, 400);
      assert.equal((await api('GET', '/superuser/users/admin')).json.enabled, true);
      const bad = await api('PUT', '/superuser/users/erin', { enabled: 'no' });
      assert.equal(bad.status, 400);
      assert.match(bad.contentType ?? '', /problem\+json/);
      assert.ok(JSON.stringify(bad.json).includes('enabled'), 'the problem names the field');
    });

    it('changes the password: the new one signs in, the old one does not; again with the same answer', async () => {
      let encrypted = '';
      for (const next of [NEW_PASSWORD, CHANGED_PASSWORD]) {
        const changed = await api('PUT', '/superuser/users/erin', { password: next });
        assert.equal(changed.status, 200);
        assert.equal(changed.json.username, 'erin');
        assert.equal((await basic('erin', next)).status, 200);
        assert.equal((await basic('erin', password)).status, 401);
        // Quay's encrypted_password for the new password signs in in its place; the one before stops.
        assert.match(changed.json.encrypted_password, /^ferry_ckey_/);
        assert.equal((await basic('erin', changed.json.encrypted_password)).status, 200);
        if (encrypted) assert.equal((await basic('erin', encrypted)).status, 401);
        encrypted = changed.json.encrypted_password;
        password = next;
      }
      assert.equal((await api('PUT', '/superuser/users/erin', { email: 'erin@example.com' })).json.encrypted_password, undefined, 'only a new password is answered with one');
    });

    it('changes the e-mail address, read back; the same again changes nothing', async () => {
      const changed = await api('PUT', '/superuser/users/erin', { email: 'erin@people.example' });
      assert.equal(changed.status, 200);
      assert.equal(changed.json.email, 'erin@people.example');
      assert.equal((await api('GET', '/superuser/users/erin')).json.email, 'erin@people.example');
      const before = await eventCount();
      assert.equal((await api('PUT', '/superuser/users/erin', { email: 'erin@people.example' })).status, 200);
      assert.equal(await eventCount(), before);
    });

    it('disables the user: its password and token are refused until it is enabled again', async () => {
      assert.equal((await user()('GET', '/user/')).status, 200);
      for (let i = 0; i < 2; i++) {
        const disabled = await api('PUT', '/superuser/users/erin', { enabled: false });
        assert.equal(disabled.status, 200);
        assert.equal(disabled.json.enabled, false);
      }
      assert.equal((await api('GET', '/superuser/users/erin')).json.enabled, false);
      assert.equal((await api('GET', '/superuser/users/')).json.users.find((u: { username: string }) => u.username === 'erin').enabled, false);
      assert.equal((await user()('GET', '/user/')).status, 401);
      assert.equal((await basic('erin', password)).status, 401);
      assert.equal((await api('PUT', '/superuser/users/erin', { enabled: true })).json.enabled, true);
      assert.equal((await user()('GET', '/user/')).status, 200);
      assert.equal((await basic('erin', password)).status, 200);
    });

    it('deletes the user: its token and password are refused, its grants gone; a second delete is a 404', async () => {
      const grants = await api('GET', '/repository/people/app/permissions/user');
      assert.ok(Object.keys(grants.json.permissions).includes('erin'));
      assert.equal((await api('DELETE', '/superuser/users/erin')).status, 204);
      assert.equal((await api('GET', '/superuser/users/erin')).status, 404);
      assert.equal((await user()('GET', '/user/')).status, 401);
      assert.equal((await basic('erin', password)).status, 401);
      assert.ok(!Object.keys((await api('GET', '/repository/people/app/permissions/user')).json.permissions).includes('erin'), 'its grants are gone');
      assert.equal((await api('DELETE', '/superuser/users/erin')).status, 404);
      assert.equal((await api('PUT', '/superuser/users/erin', { enabled: true })).status, 404);
    });

    it('shows no password in any answer but the one that made it, nor in the events or the logs', async () => {
      const events = JSON.stringify(await readEventLog(names));
      const output = ferry.output();
      for (const secret of [NEW_PASSWORD, CHANGED_PASSWORD, 'upstream-pass-9', token]) {
        assert.ok(!responses.some((r) => r.includes(secret)), 'not in an answer');
        assert.ok(!events.includes(secret), 'not in an event');
        assert.ok(!output.includes(secret), 'not in the logs');
      }
    });
  });
});
