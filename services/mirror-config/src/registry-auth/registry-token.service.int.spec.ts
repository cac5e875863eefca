import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { aggregateSubject, AggregateKind, mirrorId, RepositoryState, Visibility } from '@ferry/contracts';
import { hashPassword, mintToken, organizationDecider, repositoryDecider, robotDecider, TokenKind, userDecider } from '@ferry/identity';
import { childMirrorConfig, mirrorDecider } from '@ferry/mirror';
import { proxyCacheDecider } from '@ferry/proxy-cache';
import { createSecretBox } from '@ferry/secrets';
import { createTestDatabase, makeTokenSigningFiles, testEventLogNames, testOrgMirrorConfig, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { Authenticator } from '../auth/authenticator';
import { CredentialQueries } from '../auth/credential-queries';
import type { Credential } from '../auth/credential';
import { GrantLookup } from '../auth/grant-lookup';
import type { MirrorConfigServiceConfig, RegistryTokenSettings } from '../config';
import { InvalidRequestError, NotFoundError, UnauthenticatedError } from '../http/problem';
import { ProxyCacheLookup } from '../proxy-cache/proxy-cache-lookup';
import { openServiceTestBed, type ServiceTestBed } from '../service-test-bed';
import { RegistryTokenQueries } from './registry-token-queries';
import { RegistryTokenService, type TokenRequest } from './registry-token.service';

const SECRETS = createSecretBox(randomBytes(32));
const PASSWORDS = { alice: 'alice-password-1', bob: 'bob-password-1', root: 'root-password-1' };
const basic = (username: string, secret: string): Credential => ({ kind: 'basic', username, secret });
const asUser = (name: keyof typeof PASSWORDS) => basic(name, PASSWORDS[name]);

interface AccessClaim {
  type: string;
  name: string;
  actions: string[];
}

/**
 * acme (alice its admin, bob granted read on acme/app) holds the private repository acme/app, the
 * public acme/pub, and acme/mirrored, a mirror whose robot is acme+bot; acme+other is a robot
 * with write on acme/mirrored that is not its mirror's. root is a superuser.
 */
describe('the registry token service over the read models', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let dir: string;
  let settings: RegistryTokenSettings;
  let service: RegistryTokenService;
  let botToken: string;
  let otherBotToken: string;

  function serviceWith(registryTokens: RegistryTokenSettings | undefined): RegistryTokenService {
    const config = { registryTokens, superusers: ['root'], oidc: undefined } as unknown as MirrorConfigServiceConfig;
    return new RegistryTokenService(new RegistryTokenQueries(bed.dataSource), bed.store, config, new Authenticator(new CredentialQueries(bed.dataSource), config), new GrantLookup(bed.dataSource), bed.projections, new ProxyCacheLookup(bed.store));
  }

  const request = (credential: Credential | undefined, ...scopes: string[]): TokenRequest => ({ credential, address: '127.0.0.1', service: settings.service, scopes, requestId: undefined });

  /** The token's `access` claim, checked to be the one the answer says it is. */
  async function accessOf(req: TokenRequest): Promise<{ subject: string | undefined; access: AccessClaim[] }> {
    const answer = await service.issue(req);
    assert.equal(answer.token, answer.access_token);
    assert.equal(answer.expires_in, settings.ttlSeconds);
    const claims = decodeJwt(answer.token);
    assert.equal(claims.iss, settings.issuer);
    assert.equal(claims.aud, settings.service);
    assert.equal(decodeProtectedHeader(answer.token).alg, 'ES256');
    return { subject: claims.sub, access: claims['access'] as AccessClaim[] };
  }

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    dir = mkdtempSync(join(tmpdir(), 'ferry-token-spec-'));
    const files = makeTokenSigningFiles(dir, 'ferry-token');
    settings = { signingKey: readFileSync(files.keyPath, 'utf8'), signingCertificate: readFileSync(files.certPath, 'utf8'), issuer: 'ferry-test', service: 'registry.test', ttlSeconds: 300 };
    service = serviceWith(settings);

    const { commands, causation } = bed;
    for (const [name, password] of Object.entries(PASSWORDS)) {
      await commands.run(AggregateKind.User, name, userDecider, { kind: 'create', username: name, email: null, password: await hashPassword(password) }, causation);
    }
    await commands.run(AggregateKind.Organization, 'acme', organizationDecider, { kind: 'create', name: 'acme', email: null, creator: { kind: 'user', name: 'alice' } }, causation);
    const repository = (name: string, visibility: Visibility, state: RepositoryState) =>
      commands.run(AggregateKind.Repository, mirrorId('acme', name), repositoryDecider, { kind: 'create', namespace: 'acme', repository: name, description: '', visibility, state }, causation);
    await repository('app', Visibility.Private, RepositoryState.Normal);
    await repository('pub', Visibility.Public, RepositoryState.Normal);
    await repository('mirrored', Visibility.Private, RepositoryState.Mirror);
    await commands.run(AggregateKind.Repository, mirrorId('acme', 'app'), repositoryDecider, { kind: 'grant', principal: { kind: 'user', name: 'bob' }, role: 'read' }, causation);
    for (const name of ['bot', 'other']) {
      const minted = mintToken(TokenKind.Robot);
      if (name === 'bot') botToken = minted.token;
      else otherBotToken = minted.token;
      await commands.run(AggregateKind.Robot, `acme+${name}`, robotDecider, { kind: 'create', namespace: 'acme', name, description: '', token: SECRETS.seal(minted.token), tokenHash: minted.hash }, causation);
      await commands.run(AggregateKind.Repository, mirrorId('acme', 'mirrored'), repositoryDecider, { kind: 'grant', principal: { kind: 'robot', name: `acme+${name}` }, role: 'write' }, causation);
    }
    const org = testOrgMirrorConfig({ robotUsername: 'acme+bot' });
    await commands.run(
      AggregateKind.Mirror,
      mirrorId('acme', 'mirrored'),
      mirrorDecider,
      { kind: 'create', mirrorId: mirrorId('acme', 'mirrored'), config: childMirrorConfig(org, { repository: 'mirrored', upstream: 'mirrored', syncStartDate: org.syncStartDate }), now: new Date() },
      causation,
    );
    // cache, a proxy-cache organization whose repositories exist once pulled; bob is in none of its teams.
    await commands.run(AggregateKind.Organization, 'cache', organizationDecider, { kind: 'create', name: 'cache', email: null, creator: { kind: 'user', name: 'alice' } }, causation);
    await commands.run(
      AggregateKind.ProxyCache,
      'cache',
      proxyCacheDecider,
      { kind: 'create', organization: 'cache', config: { upstreamRegistry: 'registry.example/library', upstreamRegistryUsername: null, upstreamRegistryPassword: null, expirationS: 60, insecure: false, staleBoundS: 60 } },
      causation,
    );
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('grants', () => {
    it('grants a repository\'s admin pull and push, signed for the user', async () => {
      const { subject, access } = await accessOf(request(asUser('alice'), 'repository:acme/app:pull,push'));
      assert.equal(subject, 'alice');
      assert.deepEqual(access, [{ type: 'repository', name: 'acme/app', actions: ['pull', 'push'] }]);
    });

    it('grants a reader pull alone, and each scope on its own', async () => {
      const { access } = await accessOf(request(asUser('bob'), 'repository:acme/app:pull,push,delete', 'repository:acme/pub:pull', 'repository:acme/mirrored:pull'));
      // A scope with nothing granted is left out of the token.
      assert.deepEqual(access, [
        { type: 'repository', name: 'acme/app', actions: ['pull'] },
        { type: 'repository', name: 'acme/pub', actions: ['pull'] },
      ]);
    });

    it('gives no one a pull of a private repository without a role, and anyone a pull of a public one', async () => {
      const { subject, access } = await accessOf(request(undefined, 'repository:acme/app:pull', 'repository:acme/pub:pull,push'));
      assert.equal(subject, '');
      assert.deepEqual(access, [{ type: 'repository', name: 'acme/pub', actions: ['pull'] }]);
    });

    it('lets only the mirror\'s own robot push to a mirrored repository, whatever role another holds', async () => {
      const bot = await accessOf(request(basic('acme+bot', botToken), 'repository:acme/mirrored:pull,push'));
      assert.equal(bot.subject, 'acme+bot');
      assert.deepEqual(bot.access, [{ type: 'repository', name: 'acme/mirrored', actions: ['pull', 'push'] }]);
      const other = await accessOf(request(basic('acme+other', otherBotToken), 'repository:acme/mirrored:pull,push'));
      assert.deepEqual(other.access, [{ type: 'repository', name: 'acme/mirrored', actions: ['pull'] }]);
      const admin = await accessOf(request(asUser('alice'), 'repository:acme/mirrored:push'));
      assert.deepEqual(admin.access, []);
    });

    it('grants a proxy-cache organization\'s member pull of a repository not pulled yet, and nobody push or delete', async () => {
      const alice = await accessOf(request(asUser('alice'), 'repository:cache/alpine:pull,push,delete'));
      assert.deepEqual(alice.access, [{ type: 'repository', name: 'cache/alpine', actions: ['pull'] }]);
      assert.deepEqual((await accessOf(request(asUser('bob'), 'repository:cache/alpine:pull'))).access, []);
      assert.deepEqual((await accessOf(request(undefined, 'repository:cache/alpine:pull'))).access, []);
    });

    it('grants the same on repositories nested below a proxy-cache organization (cache/library/alpine), and nothing on a bad level', async () => {
      const alice = await accessOf(request(asUser('alice'), 'repository:cache/library/alpine:pull,push', 'repository:cache/library/Bad:pull'));
      assert.deepEqual(alice.access, [{ type: 'repository', name: 'cache/library/alpine', actions: ['pull'] }]);
      assert.deepEqual((await accessOf(request(asUser('bob'), 'repository:cache/library/alpine:pull'))).access, []);
    });

    it('grants the catalog to a superuser alone', async () => {
      assert.deepEqual((await accessOf(request(asUser('root'), 'registry:catalog:*'))).access, [{ type: 'registry', name: 'catalog', actions: ['*'] }]);
      assert.deepEqual((await accessOf(request(asUser('alice'), 'registry:catalog:*'))).access, []);
    });

    it('grants nothing on what is no repository of Ferry\'s: another type, three parts, a bad name, an unknown repository', async () => {
      const { access } = await accessOf(request(asUser('root'), 'repository:acme/app/extra:pull', 'repository:Acme/app:pull', 'repository:acme/none:pull', 'blob:acme/app:pull'));
      assert.deepEqual(access, []);
    });

    it('signs a token without scopes for a login', async () => {
      const { subject, access } = await accessOf(request(asUser('bob')));
      assert.equal(subject, 'bob');
      assert.deepEqual(access, []);
    });
  });

  describe('refusals', () => {
    it('is a 404 while no signing key is set', async () => {
      await assert.rejects(serviceWith(undefined).issue(request(asUser('alice'), 'repository:acme/app:pull')), NotFoundError);
    });

    it('refuses another service than its own, naming the field', async () => {
      await assert.rejects(service.issue({ ...request(asUser('alice')), service: 'elsewhere' }), (error: unknown) => error instanceof InvalidRequestError && error.problems[0]!.field === 'service' && /must be registry\.test/.test(error.problems[0]!.message));
    });

    it('refuses more than 32 scopes, and a scope that is not type:name:actions', async () => {
      const many = Array.from({ length: 33 }, (_, i) => `repository:acme/r${i}:pull`);
      await assert.rejects(service.issue(request(asUser('alice'), ...many)), (error: unknown) => error instanceof InvalidRequestError && error.problems[0]!.message === 'asks for more than 32 scopes');
      await assert.rejects(service.issue(request(asUser('alice'), 'pull-everything')), (error: unknown) => error instanceof InvalidRequestError && error.problems[0]!.message === '"pull-everything" is not type:name:actions');
    });

    it('refuses a wrong password and an unknown robot token as unauthenticated', async () => {
      await assert.rejects(service.issue(request(basic('alice', 'wrong-password'), 'repository:acme/app:pull')), UnauthenticatedError);
      await assert.rejects(service.issue(request(basic('acme+bot', 'not-the-token'), 'repository:acme/app:pull')), UnauthenticatedError);
    });
  });

  describe('the audit', () => {
    it('records each scope as RegistryTokenIssued on the repository\'s registry subject, with what was granted and refused, never the token', async () => {
      const requestId = 'audit-request-1';
      const answer = await service.issue({ ...request(asUser('bob'), 'repository:acme/app:pull,push'), requestId });
      const history = await bed.store.read(aggregateSubject(bed.store.prefix, AggregateKind.Registry, mirrorId('acme', 'app')));
      const mine = history.events.filter((e) => e.correlationId === requestId);
      assert.equal(mine.length, 1);
      const event = mine[0]!;
      assert.equal(event.type, 'RegistryTokenIssued');
      assert.deepEqual(
        { ...(event.data as Record<string, unknown>), expiresAt: undefined },
        { service: 'registry.test', namespace: 'acme', repository: 'app', subject: 'bob', requested: ['pull', 'push'], granted: ['pull'], refused: ['push'], expiresAt: undefined },
      );
      assert.ok(!JSON.stringify(event).includes(answer.token), 'the token is not in the log');
    });

    it('records a login as one entry on the login subject, and the catalog on its own', async () => {
      await service.issue({ ...request(asUser('alice')), requestId: 'audit-login' });
      await service.issue({ ...request(asUser('root'), 'registry:catalog:*'), requestId: 'audit-catalog' });
      const login = (await bed.store.read(aggregateSubject(bed.store.prefix, AggregateKind.Registry, 'login'))).events.filter((e) => e.correlationId === 'audit-login');
      assert.deepEqual(login.map((e) => (e.data as { subject: string; requested: string[] }).subject), ['alice']);
      const catalog = (await bed.store.read(aggregateSubject(bed.store.prefix, AggregateKind.Registry, 'catalog'))).events.filter((e) => e.correlationId === 'audit-catalog');
      assert.deepEqual(catalog.map((e) => (e.data as { granted: string[] }).granted), [['*']]);
    });
  });
});
