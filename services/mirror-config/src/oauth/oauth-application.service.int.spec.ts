import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AggregateKind } from '@ferry/contracts';
import { hashPassword, organizationDecider, userDecider, type Caller } from '@ferry/identity';
import { createSecretBox } from '@ferry/secrets';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { Authenticator } from '../auth/authenticator';
import { CredentialQueries } from '../auth/credential-queries';
import { GrantLookup } from '../auth/grant-lookup';
import type { MirrorConfigServiceConfig } from '../config';
import { NotFoundError, UnauthenticatedError } from '../http/problem';
import { openServiceTestBed, refusedField, userCaller, type ServiceTestBed } from '../service-test-bed';
import { UserQueries } from '../users/user-queries';
import { OAuthApplicationQueries } from './oauth-application-queries';
import { APPLICATION_TOKEN_SECONDS, OAuthApplicationService } from './oauth-application.service';

const HOST = 'ferry.example.com';
const LOCAL = `https://${HOST}/oauth/localapp`;

/** The access token in a grant's redirect (its fragment), as Quay's clients read it. */
function tokenIn(location: string): string {
  const match = /#access_token=([^&]+)&token_type=Bearer&expires_in=(\d+)$/.exec(location);
  assert.ok(match, location);
  assert.equal(Number(match[2]), APPLICATION_TOKEN_SECONDS);
  return decodeURIComponent(match[1]!);
}

/** Organizations' OAuth applications and the implicit grant, over a real log and read models. */
describe('the OAuth application service', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let applications: OAuthApplicationService;
  let auth: Authenticator;
  const box = createSecretBox(randomBytes(32));
  const alice: Caller = userCaller('alice');
  const bob: Caller = userCaller('bob');

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    applications = new OAuthApplicationService(new OAuthApplicationQueries(bed.dataSource), bed.commands, new GrantLookup(bed.dataSource), box);
    auth = new Authenticator(new CredentialQueries(bed.dataSource), { superusers: [], oidc: undefined } as unknown as MirrorConfigServiceConfig, box);
    for (const username of ['alice', 'bob']) {
      await bed.commands.run(AggregateKind.User, username, userDecider, { kind: 'create', username, email: null, password: await hashPassword('a-long-password-1') }, bed.causation);
    }
    await bed.commands.run(AggregateKind.Organization, 'acme', organizationDecider, { kind: 'create', name: 'acme', email: null, creator: { kind: 'user', name: 'alice' } }, bed.causation);
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
  });

  it('creates, reads, changes, resets and deletes an application in Quay\'s shape; the client secret is stored sealed', async () => {
    const { view } = await applications.create('acme', { name: 'deployer', redirect_uri: 'https://ci.example.com/cb' }, bed.causation);
    assert.match(view.client_id, /^[A-Za-z0-9]{20}$/);
    assert.match(view.client_secret ?? '', /^[A-Za-z0-9]{40}$/);
    assert.deepEqual({ ...view, client_id: '', client_secret: '' }, { name: 'deployer', description: '', application_uri: '', client_id: '', client_secret: '', redirect_uri: 'https://ci.example.com/cb', avatar_email: null });
    assert.deepEqual(await applications.list('acme'), { applications: [view] });
    assert.deepEqual(await applications.get('acme', view.client_id), view);
    // Neither the events nor the read model hold the secret in clear.
    const stored = JSON.stringify(await bed.dataSource.query(`SELECT * FROM oauth_applications`)) + JSON.stringify(await bed.dataSource.query(`SELECT data FROM event_log`));
    assert.ok(!stored.includes(view.client_secret!));

    const changed = (await applications.update('acme', view.client_id, { name: 'deployer 2', redirect_uri: 'https://ci.example.com/cb', application_uri: 'https://ci.example.com', description: 'ships' }, bed.causation)).view;
    assert.deepEqual([changed.name, changed.application_uri, changed.description, changed.client_secret], ['deployer 2', 'https://ci.example.com', 'ships', view.client_secret]);
    const head = await bed.store.headPosition();
    await applications.update('acme', view.client_id, { name: 'deployer 2', redirect_uri: 'https://ci.example.com/cb', application_uri: 'https://ci.example.com', description: 'ships' }, bed.causation);
    assert.equal(await bed.store.headPosition(), head, 'an update that changes nothing appends nothing');

    const reset = await applications.resetClientSecret('acme', view.client_id, bed.causation);
    assert.notEqual(reset.client_secret, view.client_secret);
    assert.equal((await applications.get('acme', view.client_id)).client_secret, reset.client_secret);

    await applications.delete('acme', view.client_id, bed.causation);
    await assert.rejects(applications.get('acme', view.client_id), NotFoundError);
    await assert.rejects(applications.delete('acme', view.client_id, bed.causation), NotFoundError);
    assert.deepEqual(await applications.list('acme'), { applications: [] });
  });

  it('refuses bad input naming the field, and another organization\'s or no application', async () => {
    await assert.rejects(applications.create('acme', {}, bed.causation), refusedField('name'));
    await assert.rejects(applications.create('acme', { name: 'x', redirect_uri: 'javascript:alert(1)' }, bed.causation), refusedField('redirect_uri'));
    await assert.rejects(applications.create('acme', { name: 'x', avatar_email: 'nope' }, bed.causation), refusedField('avatar_email'));
    await assert.rejects(applications.create('nowhere', { name: 'x' }, bed.causation), NotFoundError);
    const { view } = await applications.create('acme', { name: 'kept' }, bed.causation);
    await assert.rejects(applications.update('acme', view.client_id, { name: 'kept' }, bed.causation), refusedField('redirect_uri'));
    await assert.rejects(applications.get('other', view.client_id), NotFoundError);
    await assert.rejects(applications.get('acme', 'NoSuchClientId000000'), NotFoundError);
    await applications.delete('acme', view.client_id, bed.causation);
  });

  describe('the implicit grant (POST /oauth/authorizeapp)', () => {
    it('mints a token with the scopes asked for, bound to the user and the application, that the secret\'s reset leaves and the delete ends', async () => {
      const { view } = await applications.create('acme', { name: 'minter', redirect_uri: 'https://ci.example.com/cb' }, bed.causation);
      const form = { client_id: view.client_id, redirect_uri: LOCAL, response_type: 'token', scope: 'repo:read org:admin', state: 'xyz' };
      const { location } = await applications.authorize(alice, form, { host: HOST }, bed.causation);
      assert.ok(location.startsWith(`${LOCAL}?scope=repo%3Aread+org%3Aadmin&state=xyz#access_token=`), location);
      const token = tokenIn(location);
      const caller = await auth.authenticate({ kind: 'bearer', token }, '127.0.0.9');
      assert.deepEqual(caller && caller.kind === 'user' && [caller.username, [...caller.scopes]], ['alice', ['repo:read', 'org:admin']]);
      // Not one of the user's app tokens (Quay lists them apart).
      assert.deepEqual((await new UserQueries(bed.dataSource).liveTokens('alice')).map((t) => t.token.title), []);
      // Under the application's own redirect URI too.
      const own = await applications.authorize(alice, { ...form, redirect_uri: 'https://ci.example.com/cb/more' }, { host: HOST }, bed.causation);
      const second = tokenIn(own.location);
      // Alice's authorizations (Quay's /user/authorizations): both, in Quay's shape; bob has none.
      const { authorizations } = await applications.authorizations(alice);
      assert.equal(authorizations.length, 2);
      assert.deepEqual(authorizations[0]!.application, { name: 'minter', description: '', url: '', avatar: { name: 'minter', hash: '', color: '#0066cc', kind: 'app' }, organization: { name: 'acme', avatar: { name: 'acme', hash: '', color: '#0066cc', kind: 'org' } } });
      assert.deepEqual(authorizations[0]!.scopes.map((s) => [s.scope, s.dangerous]), [['repo:read', false], ['org:admin', true]]);
      assert.deepEqual(await applications.authorization(alice, authorizations[0]!.uuid), authorizations[0]);
      assert.deepEqual(await applications.authorizations(bob), { authorizations: [] });
      await assert.rejects(applications.authorization(bob, authorizations[0]!.uuid), NotFoundError);
      // What a user asked to authorize it is shown (Quay's GET /app/{client_id}): never the secret.
      const shown = await applications.information(bob, view.client_id);
      assert.deepEqual(shown, {
        name: 'minter',
        description: '',
        uri: '',
        avatar: { name: 'minter', hash: '', color: '#0066cc', kind: 'app' },
        organization: { name: 'acme', email: '', avatar: { name: 'acme', hash: '', color: '#0066cc', kind: 'org' }, is_admin: false, is_member: false, teams: {}, ordered_teams: [] },
      });
      assert.equal((await applications.information(alice, view.client_id)).organization.is_admin, true);
      await assert.rejects(applications.information(alice, 'NoSuchClientId000000'), NotFoundError);

      await applications.resetClientSecret('acme', view.client_id, bed.causation);
      assert.equal((await auth.authenticate({ kind: 'bearer', token }, '127.0.0.9'))?.username, 'alice', 'a reset secret leaves the tokens');
      await applications.delete('acme', view.client_id, bed.causation);
      for (const minted of [token, second]) await assert.rejects(auth.authenticate({ kind: 'bearer', token: minted }, '127.0.0.9'), UnauthenticatedError);
      const revoked = await bed.dataSource.query(`SELECT count(*)::int AS n FROM api_tokens WHERE application_client_id = $1 AND revoked_at IS NOT NULL`, [view.client_id]);
      assert.equal(revoked[0].n, 2, 'each token the application minted is revoked on its user');
      const log = JSON.stringify(await bed.dataSource.query(`SELECT data FROM event_log`));
      assert.ok(!log.includes(token) && !log.includes(second), 'no token in the events');
    });

    it('sends OAuth errors to a good redirect URI, and refuses a bad one or an unknown client with a 400 naming it', async () => {
      const { view } = await applications.create('acme', { name: 'strict', redirect_uri: 'https://ci.example.com/cb' }, bed.causation);
      const form = { client_id: view.client_id, redirect_uri: LOCAL, response_type: 'token', scope: 'repo:read' };
      const grant = (caller: Caller, fields: Record<string, string>) => applications.authorize(caller, { ...form, ...fields }, { host: HOST }, bed.causation);
      assert.equal((await grant(alice, { response_type: 'code' })).location, `${LOCAL}?error=unsupported_response_type`);
      assert.equal((await grant(bob, {})).location, `${LOCAL}?error=unauthorized_client`, 'only the organization\'s admins, as in Quay');
      assert.equal((await grant(alice, { scope: 'repo:read repo:delete' })).location, `${LOCAL}?error=invalid_scope`);
      assert.equal((await grant(alice, { scope: '' })).location, `${LOCAL}?error=invalid_scope`);
      await assert.rejects(grant(alice, { redirect_uri: 'https://evil.example.com/cb' }), refusedField('redirect_uri'));
      await assert.rejects(grant(alice, { redirect_uri: 'https://other-host/oauth/localapp' }), refusedField('redirect_uri'));
      await assert.rejects(grant(alice, { client_id: 'NoSuchClientId000000' }), refusedField('client_id'));
      await assert.rejects(applications.authorize(alice, {}, { host: HOST }, bed.causation), refusedField('client_id'));
      // The token holds what was asked for, and no more.
      const { location } = await grant(alice, { scope: 'repo:read' });
      const caller = await auth.authenticate({ kind: 'bearer', token: tokenIn(location) }, '127.0.0.9');
      assert.deepEqual(caller?.kind === 'user' && caller.scopes, ['repo:read']);
    });

    it('is rebuilt from the log as it was (npm run replay): applications, and which tokens they minted', async () => {
      const { view } = await applications.create('acme', { name: 'replayed', redirect_uri: 'https://ci.example.com/cb' }, bed.causation);
      await applications.authorize(alice, { client_id: view.client_id, redirect_uri: LOCAL, response_type: 'token', scope: 'repo:read' }, { host: HOST }, bed.causation);
      await applications.resetClientSecret('acme', view.client_id, bed.causation);
      const dump = async () => ({
        applications: await bed.dataSource.query(`SELECT * FROM oauth_applications ORDER BY client_id`),
        tokens: await bed.dataSource.query(`SELECT token_id, username, scopes, token_hash, application_client_id, revoked_at FROM api_tokens ORDER BY token_id`),
      });
      const live = await dump();
      assert.ok(live.applications.length > 0 && live.tokens.some((t: { application_client_id: string | null }) => t.application_client_id === view.client_id));
      await bed.projections.rebuild();
      assert.deepEqual(await dump(), live);
      await applications.delete('acme', view.client_id, bed.causation);
    });

    it('goes with its organization', async () => {
      const { view } = await applications.create('acme', { name: 'doomed' }, bed.causation);
      const token = tokenIn((await applications.authorize(alice, { client_id: view.client_id, redirect_uri: LOCAL, response_type: 'token', scope: 'repo:read' }, { host: HOST }, bed.causation)).location);
      await applications.deleteAllOf('acme', bed.causation);
      assert.deepEqual(await applications.list('acme'), { applications: [] });
      await assert.rejects(auth.authenticate({ kind: 'bearer', token }, '127.0.0.9'), UnauthenticatedError);
    });
  });
});
