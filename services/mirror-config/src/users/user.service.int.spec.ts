import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { AggregateKind, DomainErrorCode, SCOPES } from '@ferry/contracts';
import { organizationDecider, tokenHash, TokenKind } from '@ferry/identity';
import { createSecretBox } from '@ferry/secrets';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { Authenticator } from '../auth/authenticator';
import { CredentialQueries } from '../auth/credential-queries';
import { csrfTokenOf, SESSION_TOKEN_TITLE } from '../auth/session';
import type { MirrorConfigServiceConfig } from '../config';
import { NotFoundError, UnauthenticatedError } from '../http/problem';
import { Namespaces } from '../namespaces';
import { PermissionQueries } from '../repositories/permission-queries';
import { PermissionService } from '../repositories/permission.service';
import { openServiceTestBed, refusedField, refusedWith, userCaller, type ServiceTestBed } from '../service-test-bed';
import { SessionService } from '../session/session.service';
import { UserQueries } from './user-queries';
import { UserService } from './user.service';
import { GrantLookup } from '../auth/grant-lookup';
import { TeamQueries } from '../teams/team-queries';
import { TeamService } from '../teams/team.service';

const BOOTSTRAP_TOKEN = 'ferry_pat_bootstrap-token-for-the-int-spec';
const PASSWORD = 'correct-horse-battery-1';


/** Users, their organizations and API tokens, and the console's sessions, over a real log and read models. */
describe('the user and session services', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let users: UserService;
  let queries: UserQueries;
  let sessions: SessionService;
  let permissions: PermissionService;

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    const config = { superusers: ['admin'], bootstrapAdmin: { username: 'admin', password: PASSWORD, token: BOOTSTRAP_TOKEN }, sessionSeconds: 3600, oidc: undefined } as unknown as MirrorConfigServiceConfig;
    queries = new UserQueries(bed.dataSource);
    permissions = new PermissionService(new PermissionQueries(bed.dataSource), bed.commands);
    users = new UserService(queries, new Namespaces(bed.dataSource), config, bed.commands, permissions, new TeamService(new TeamQueries(bed.dataSource), new PermissionQueries(bed.dataSource), new GrantLookup(bed.dataSource), bed.commands), createSecretBox(randomBytes(32)));
    sessions = new SessionService(queries, config, new Authenticator(new CredentialQueries(bed.dataSource), config), bed.commands);
    await bed.commands.run(AggregateKind.Organization, 'acme', organizationDecider, { kind: 'create', name: 'acme', email: null, creator: null }, bed.causation);
    await bed.commands.run(AggregateKind.Organization, 'widgets', organizationDecider, { kind: 'create', name: 'widgets', email: null, creator: null }, bed.causation);
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
  });

  describe('the bootstrap admin', () => {
    it('is made once, with its one token, however often the service starts', async () => {
      await users.ensureBootstrapAdmin(bed.causation);
      await users.ensureBootstrapAdmin(bed.causation);
      assert.ok(await queries.user('admin'));
      const tokens = await queries.liveTokens('admin');
      assert.deepEqual(tokens.map(({ token }) => [token.title, token.tokenHash]), [['bootstrap', tokenHash(BOOTSTRAP_TOKEN)]]);
      assert.equal((await queries.liveTokenByHash(tokenHash(BOOTSTRAP_TOKEN)))?.username, 'admin');
    });
  });

  describe('users', () => {
    it('creates a user with a generated password, shown once, or with the one given', async () => {
      const generated = await users.create({ username: 'alice', email: 'alice@example.com' }, bed.causation);
      assert.equal(generated.view.username, 'alice');
      assert.equal(generated.view.email, 'alice@example.com');
      assert.ok(generated.view.password && generated.view.password.length >= 20, 'a generated password');
      const given = await users.create({ username: 'bob', password: PASSWORD }, bed.causation);
      assert.deepEqual({ ...given.view, encrypted_password: undefined }, { username: 'bob', email: null, password: undefined, encrypted_password: undefined });
      assert.match(given.view.encrypted_password ?? '', /^ferry_ckey_/, 'Quay\'s encrypted_password');
      assert.equal((await queries.user('bob'))?.email, null);
    });

    it('refuses the name of an organization, and a name taken by a user', async () => {
      await assert.rejects(users.create({ username: 'acme' }, bed.causation), refusedField('username'));
      await assert.rejects(users.create({ username: 'alice' }, bed.causation), refusedWith(DomainErrorCode.UserAlreadyExists));
      assert.equal(await queries.user('acme'), null);
    });

    it('lists every user by name, marking the superusers', async () => {
      const { users: list } = await users.list();
      assert.deepEqual(
        list.map((u) => [u.username, u.super_user]),
        [
          ['admin', true],
          ['alice', false],
          ['bob', false],
        ],
      );
    });

    it('shows the caller its organizations with what its role there lets it do, and no repository grant as one', async () => {
      await permissions.set({ namespace: 'acme', repository: '' }, 'alice', { role: 'admin' }, bed.causation);
      await permissions.set({ namespace: 'widgets', repository: '' }, 'alice', { role: 'read' }, bed.causation);
      const me = await users.me(userCaller('alice'));
      assert.equal(me.username, 'alice');
      assert.equal(me.has_password_set, true);
      assert.deepEqual(
        me.organizations.map((o) => [o.name, o.is_org_admin, o.can_create_repo]).sort(),
        [
          ['acme', true, true],
          ['widgets', false, false],
        ],
      );
      assert.deepEqual((await users.me(userCaller('bob'))).organizations, []);
    });

    it('has no user view for a robot or a user that is gone', async () => {
      await assert.rejects(users.me({ kind: 'robot', username: 'acme+bot', namespace: 'acme' }), NotFoundError);
      await assert.rejects(users.me(userCaller('nobody')), (error: unknown) => error instanceof NotFoundError && error.message === 'no user nobody');
    });

    it('refuses to delete a superuser, and deletes a user with every role it held', async () => {
      await assert.rejects(users.delete('admin', bed.causation), refusedField('username'));
      await users.create({ username: 'carol', password: PASSWORD }, bed.causation);
      await permissions.set({ namespace: 'acme', repository: '' }, 'carol', { role: 'write' }, bed.causation);
      await users.delete('carol', bed.causation);
      assert.equal(await queries.user('carol'), null);
      assert.deepEqual(await new PermissionQueries(bed.dataSource).grantsHeldBy({ kind: 'user', name: 'carol' }), []);
    });
  });

  describe('API tokens', () => {
    it('creates a token shown, listed without it and read back with it', async () => {
      const { view } = await users.createToken(userCaller('bob'), { title: 'ci', scopes: ['repo:read', 'repo:read'] }, bed.causation);
      const created = view.token;
      assert.ok(created.token_code.startsWith(TokenKind.User));
      assert.deepEqual(created.scopes, ['repo:read']);
      const listed = await users.listTokens(userCaller('bob'));
      assert.deepEqual(listed.tokens.map((t) => [t.uuid, t.title, 'token_code' in t]), [[created.uuid, 'ci', false]]);
      const read = await users.getToken(userCaller('bob'), created.uuid, bed.causation);
      assert.equal(read.token.last_accessed, null);
      assert.equal(read.token.token_code, created.token_code);
      assert.equal((await queries.liveTokenByHash(tokenHash(created.token_code)))?.tokenId, created.uuid);
    });

    it('keeps a user\'s tokens from another user, and refuses an id that is no UUID', async () => {
      const [bobs] = (await users.listTokens(userCaller('bob'))).tokens;
      await assert.rejects(users.getToken(userCaller('alice'), bobs!.uuid, bed.causation), NotFoundError);
      await assert.rejects(users.revokeToken(userCaller('alice'), bobs!.uuid, bed.causation), NotFoundError);
      await assert.rejects(users.getToken(userCaller('bob'), 'not-a-uuid', bed.causation), refusedField('uuid'));
      await assert.rejects(users.getToken(userCaller('bob'), randomUUID(), bed.causation), NotFoundError);
    });

    it('revokes a token: no longer listed, read or found by its hash', async () => {
      const { view } = await users.createToken(userCaller('bob'), { title: 'short-lived' }, bed.causation);
      assert.deepEqual(view.token.scopes, [...SCOPES]);
      await users.revokeToken(userCaller('bob'), view.token.uuid, bed.causation);
      assert.deepEqual((await users.listTokens(userCaller('bob'))).tokens.map((t) => t.title), ['ci']);
      await assert.rejects(users.getToken(userCaller('bob'), view.token.uuid, bed.causation), NotFoundError);
      assert.equal(await queries.liveTokenByHash(tokenHash(view.token.token_code)), null);
      assert.equal(await queries.tokenHashExists(tokenHash(view.token.token_code)), true);
    });
  });

  describe('console sessions', () => {
    it('signs in with the password: a session token that expires, and its CSRF token', async () => {
      const before = Date.now();
      const started = await sessions.signIn({ username: 'bob', password: PASSWORD }, '127.0.0.1', bed.causation);
      assert.equal(started.view.username, 'bob');
      assert.equal(started.view.csrf_token, csrfTokenOf(started.token));
      const expires = Date.parse(started.view.expires_at);
      assert.ok(expires >= before + 3_600_000 && expires <= Date.now() + 3_600_000);
      const row = await queries.liveTokenByHash(tokenHash(started.token));
      assert.deepEqual({ user: row?.username, title: row?.title }, { user: 'bob', title: SESSION_TOKEN_TITLE });
    });

    it('refuses a wrong password and mints nothing', async () => {
      const count = (await queries.liveTokens('bob')).length;
      await assert.rejects(sessions.signIn({ username: 'bob', password: 'wrong-password-1' }, '127.0.0.2', bed.causation), UnauthenticatedError);
      assert.equal((await queries.liveTokens('bob')).length, count);
    });

    it('signs out by revoking the session\'s token; twice is no error; an API token is not signed out', async () => {
      const started = await sessions.signIn({ username: 'bob', password: PASSWORD }, '127.0.0.1', bed.causation);
      await sessions.signOut(started.token, bed.causation);
      assert.equal(await queries.liveTokenByHash(tokenHash(started.token)), null);
      await sessions.signOut(started.token, bed.causation);
      const { view } = await users.createToken(userCaller('bob'), { title: 'kept' }, bed.causation);
      await sessions.signOut(view.token.token_code, bed.causation);
      assert.ok(await queries.liveTokenByHash(tokenHash(view.token.token_code)), 'an API token survives a sign-out with it');
    });
  });

  describe('a superuser managing a user', () => {
    const config = { superusers: ['admin'], oidc: undefined } as unknown as MirrorConfigServiceConfig;
    const signIn = (username: string, password: string) => new Authenticator(new CredentialQueries(bed.dataSource), config).authenticate({ kind: 'basic', username, secret: password }, '127.0.0.9');
    const token = (secret: string) => new Authenticator(new CredentialQueries(bed.dataSource), config).authenticate({ kind: 'bearer', token: secret }, '127.0.0.9');
    const NEW_PASSWORD = 'a-new-horse-battery-2';

    it('reads a user in Quay\'s superuser shape, and 404s a user or robot that is none', async () => {
      await users.create({ username: 'dave', email: 'dave@example.com', password: PASSWORD }, bed.causation);
      assert.deepEqual(await users.managed('dave'), {
        kind: 'user',
        name: 'dave',
        username: 'dave',
        email: 'dave@example.com',
        verified: true,
        avatar: { name: 'dave', hash: '', color: '#0066cc', kind: 'user' },
        super_user: false,
        enabled: true,
      });
      await assert.rejects(users.managed('nobody'), NotFoundError);
      await assert.rejects(users.managed('acme+bot'), NotFoundError);
    });

    it('changes the password: the new one signs in, the old one does not', async () => {
      const { view } = await users.manage('dave', { password: NEW_PASSWORD }, bed.causation);
      assert.equal(view.username, 'dave');
      assert.ok(!JSON.stringify(view).includes(NEW_PASSWORD), 'the password is not answered');
      assert.equal((await signIn('dave', NEW_PASSWORD))?.username, 'dave');
      await assert.rejects(signIn('dave', PASSWORD), UnauthenticatedError);
    });

    it('changes the e-mail address; the same again appends nothing', async () => {
      assert.equal((await users.manage('dave', { email: 'd@example.com' }, bed.causation)).view.email, 'd@example.com');
      const before = await bed.store.headPosition();
      assert.equal((await users.manage('dave', { email: 'd@example.com', enabled: true }, bed.causation)).view.email, 'd@example.com');
      assert.equal(await bed.store.headPosition(), before);
    });

    it('disables a user: its password and tokens are refused until it is enabled again', async () => {
      const { view } = await users.createToken(userCaller('dave'), { title: 'ci' }, bed.causation);
      assert.equal((await token(view.token.token_code))?.username, 'dave');
      assert.equal((await users.manage('dave', { enabled: false }, bed.causation)).view.enabled, false);
      await assert.rejects(signIn('dave', NEW_PASSWORD), (e: unknown) => e instanceof UnauthenticatedError && /disabled/.test(e.message));
      await assert.rejects(token(view.token.token_code), (e: unknown) => e instanceof UnauthenticatedError && /disabled/.test(e.message));
      await assert.rejects(sessions.signIn({ username: 'dave', password: NEW_PASSWORD }, '127.0.0.9', bed.causation), UnauthenticatedError);
      // A wrong password is told only that it is wrong.
      await assert.rejects(signIn('dave', 'not-the-password-3'), (e: unknown) => e instanceof UnauthenticatedError && !/disabled/.test(e.message));
      assert.equal((await users.list()).users.find((u) => u.username === 'dave')?.enabled, false);
      assert.equal((await users.manage('dave', { enabled: true }, bed.causation)).view.enabled, true);
      assert.equal((await token(view.token.token_code))?.username, 'dave');
    });

    it('refuses a bad body naming the field, and changes no superuser', async () => {
      await assert.rejects(users.manage('dave', { enabled: 'no' }, bed.causation), refusedField('enabled'));
      await assert.rejects(users.manage('dave', { password: 'short' }, bed.causation), refusedField('password'));
      await assert.rejects(users.manage('admin', { enabled: false }, bed.causation), refusedField('username'));
      await assert.rejects(users.manage('nobody', { enabled: false }, bed.causation), NotFoundError);
      assert.equal((await users.managed('admin')).enabled, true);
    });

    it('deletes a user: its tokens are refused, its grants gone, and a second delete is a 404', async () => {
      const { view } = await users.createToken(userCaller('dave'), { title: 'doomed' }, bed.causation);
      await permissions.set({ namespace: 'acme', repository: '' }, 'dave', { role: 'read' }, bed.causation);
      await users.delete('dave', bed.causation);
      await assert.rejects(token(view.token.token_code), UnauthenticatedError);
      await assert.rejects(signIn('dave', NEW_PASSWORD), UnauthenticatedError);
      assert.deepEqual(await new PermissionQueries(bed.dataSource).grantsHeldBy({ kind: 'user', name: 'dave' }), []);
      await assert.rejects(users.delete('dave', bed.causation), refusedWith(DomainErrorCode.UserNotFound));
      await assert.rejects(users.managed('dave'), NotFoundError);
    });
  });
});
