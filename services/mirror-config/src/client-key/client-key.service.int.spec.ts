import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '@ferry/secrets';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { Authenticator } from '../auth/authenticator';
import { CredentialQueries } from '../auth/credential-queries';
import type { MirrorConfigServiceConfig } from '../config';
import { UnauthenticatedError } from '../http/problem';
import { Namespaces } from '../namespaces';
import { GrantLookup } from '../auth/grant-lookup';
import { PermissionQueries } from '../repositories/permission-queries';
import { PermissionService } from '../repositories/permission.service';
import { openServiceTestBed, refusedField, userCaller, type ServiceTestBed } from '../service-test-bed';
import { SessionService } from '../session/session.service';
import { TeamQueries } from '../teams/team-queries';
import { TeamService } from '../teams/team.service';
import { UserQueries } from '../users/user-queries';
import { UserService } from '../users/user.service';
import { ClientKeyService } from './client-key.service';

const PASSWORD = 'correct-horse-battery-1';
const NEW_PASSWORD = 'a-new-horse-battery-2';

/** Encrypted passwords, and what a password change and a delete end, over a real log and read models. */
describe('client keys, password changes and deleted users', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let users: UserService;
  let sessions: SessionService;
  let keys: ClientKeyService;
  let auth: Authenticator;
  const box = createSecretBox(randomBytes(32));
  const config = { superusers: ['admin'], sessionSeconds: 3600, oidc: undefined } as unknown as MirrorConfigServiceConfig;
  const basic = (username: string, secret: string) => auth.authenticate({ kind: 'basic', username, secret }, '127.0.0.9');
  const bearer = (token: string) => auth.authenticate({ kind: 'bearer', token }, '127.0.0.9');

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    const queries = new UserQueries(bed.dataSource);
    const teams = new TeamService(new TeamQueries(bed.dataSource), new PermissionQueries(bed.dataSource), new GrantLookup(bed.dataSource), bed.commands);
    users = new UserService(queries, new Namespaces(bed.dataSource), config, bed.commands, new PermissionService(new PermissionQueries(bed.dataSource), bed.commands), teams, box);
    auth = new Authenticator(new CredentialQueries(bed.dataSource), config, box);
    sessions = new SessionService(queries, config, auth, bed.commands);
    keys = new ClientKeyService(auth, new CredentialQueries(bed.dataSource), bed.commands, box);
    for (const username of ['carol', 'erin']) await users.create({ username, password: PASSWORD }, bed.causation);
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
  });

  it('gives a client key for the right password only; the key signs in as the password does, and is nowhere in the log', async () => {
    await assert.rejects(keys.issue(userCaller('carol'), { password: 'not-the-password-9' }, '127.0.0.9', bed.causation), refusedField('password'));
    await assert.rejects(keys.issue(userCaller('carol'), {}, '127.0.0.9', bed.causation), refusedField('password'));
    const { view } = await keys.issue(userCaller('carol'), { password: PASSWORD }, '127.0.0.9', bed.causation);
    assert.match(view.key, /^ferry_ckey_/);
    assert.deepEqual(await basic('carol', view.key), await basic('carol', PASSWORD), 'the key speaks for the user as the password does');
    await assert.rejects(basic('erin', view.key), UnauthenticatedError, 'another user\'s key');
    const log = JSON.stringify(await bed.dataSource.query(`SELECT type, data FROM event_log`));
    assert.ok(log.includes('ClientKeyIssued'), 'the issue is recorded');
    assert.ok(!log.includes(view.key) && !log.includes(PASSWORD), 'neither the key nor the password is in the log');
  });

  it('a superuser\'s password change ends the user\'s sessions and client keys; API tokens live on (as in Quay)', async () => {
    const session = await sessions.signIn({ username: 'carol', password: PASSWORD }, '127.0.0.9', bed.causation);
    const { view: apiToken } = await users.createToken(userCaller('carol'), { title: 'ci' }, bed.causation);
    const { view: key } = await keys.issue(userCaller('carol'), { password: PASSWORD }, '127.0.0.9', bed.causation);
    assert.equal((await auth.session(session.token, undefined, false)).username, 'carol');
    await users.manage('carol', { password: NEW_PASSWORD }, bed.causation);
    await assert.rejects(auth.session(session.token, undefined, false), UnauthenticatedError);
    await assert.rejects(basic('carol', key.key), UnauthenticatedError);
    await assert.rejects(basic('carol', PASSWORD), UnauthenticatedError);
    assert.equal((await bearer(apiToken.token.token_code))?.username, 'carol');
    const fresh = (await keys.issue(userCaller('carol'), { password: NEW_PASSWORD }, '127.0.0.9', bed.causation)).view.key;
    assert.equal((await basic('carol', fresh))?.username, 'carol');
  });

  it('the user\'s own password change keeps the session it came with and ends the others', async () => {
    const mine = await sessions.signIn({ username: 'carol', password: NEW_PASSWORD }, '127.0.0.9', bed.causation);
    const other = await sessions.signIn({ username: 'carol', password: NEW_PASSWORD }, '127.0.0.9', bed.causation);
    const caller = await auth.session(mine.token, undefined, false);
    await users.update(caller, { password: PASSWORD }, bed.causation);
    assert.equal((await auth.session(mine.token, undefined, false)).username, 'carol');
    await assert.rejects(auth.session(other.token, undefined, false), UnauthenticatedError);
  });

  it('a deleted user\'s tokens, sessions and client keys are refused', async () => {
    const session = await sessions.signIn({ username: 'erin', password: PASSWORD }, '127.0.0.9', bed.causation);
    const { view: apiToken } = await users.createToken(userCaller('erin'), { title: 'ci' }, bed.causation);
    const { view: key } = await keys.issue(userCaller('erin'), { password: PASSWORD }, '127.0.0.9', bed.causation);
    await users.delete('erin', bed.causation);
    await assert.rejects(bearer(apiToken.token.token_code), UnauthenticatedError);
    await assert.rejects(auth.session(session.token, undefined, false), UnauthenticatedError);
    await assert.rejects(basic('erin', key.key), UnauthenticatedError);
    // Made again under the name, the user has none of them back.
    await users.create({ username: 'erin', password: PASSWORD }, bed.causation);
    await assert.rejects(bearer(apiToken.token.token_code), UnauthenticatedError);
    await assert.rejects(basic('erin', key.key), UnauthenticatedError);
  });
});
