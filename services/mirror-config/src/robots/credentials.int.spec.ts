import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { AggregateKind, DomainErrorCode, SCOPES } from '@ferry/contracts';
import { mintToken, organizationDecider, TokenKind, userDecider } from '@ferry/identity';
import { createSecretBox } from '@ferry/secrets';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { Authenticator } from '../auth/authenticator';
import { GrantLookup } from '../auth/grant-lookup';
import { CredentialQueries } from '../auth/credential-queries';
import type { MirrorConfigServiceConfig } from '../config';
import { NotFoundError, UnauthenticatedError } from '../http/problem';
import { Namespaces } from '../namespaces';
import { PermissionQueries } from '../repositories/permission-queries';
import { PermissionService } from '../repositories/permission.service';
import { openServiceTestBed, refusedWith, userCaller, type ServiceTestBed } from '../service-test-bed';
import { TeamQueries } from '../teams/team-queries';
import { TeamService } from '../teams/team.service';
import { UserQueries } from '../users/user-queries';
import { UserService } from '../users/user.service';
import { RobotQueries } from './robot-queries';
import { RobotService } from './robot.service';

const SECRETS = createSecretBox(randomBytes(32));

/** Re-readable credentials: robot and API tokens read again by their owners, each reading recorded, no secret in the log. */
describe('re-readable robot and API tokens', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let robots: RobotService;
  let users: UserService;
  let auth: Authenticator;

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    const config = { superusers: [], bootstrapAdmin: undefined, oidc: undefined, target: { registryUrl: 'https://registry.example:5000', verifyTls: true } } as unknown as MirrorConfigServiceConfig;
    const namespaces = new Namespaces(bed.dataSource);
    const permissions = new PermissionService(new PermissionQueries(bed.dataSource), bed.commands);
    const teams = new TeamService(new TeamQueries(bed.dataSource), new PermissionQueries(bed.dataSource), new GrantLookup(bed.dataSource), bed.commands);
    robots = new RobotService(new RobotQueries(bed.dataSource), namespaces, SECRETS, bed.commands, permissions, teams, config);
    users = new UserService(new UserQueries(bed.dataSource), namespaces, config, bed.commands, permissions, teams, SECRETS);
    auth = new Authenticator(new CredentialQueries(bed.dataSource), config);
    await bed.commands.run(AggregateKind.Organization, 'acme', organizationDecider, { kind: 'create', name: 'acme', email: null, creator: null }, bed.causation);
    await users.create({ username: 'bob', password: 'correct-horse-battery-1' }, bed.causation);
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
  });

  /** Every event's type and data as the log holds them. */
  async function eventLog(): Promise<{ type: string; text: string }[]> {
    await bed.projections.waitFor((await bed.store.headPosition({ patient: false }))!);
    const rows: { type: string; data: unknown }[] = await bed.dataSource.query('SELECT type, data FROM event_log ORDER BY position');
    return rows.map((r) => ({ type: r.type, text: JSON.stringify(r.data) }));
  }

  it('shows a robot its token again, and each reading is a RobotTokenRead without it', async () => {
    const { view } = await robots.create('acme', 'bot', {}, bed.causation);
    const read = await robots.get('acme', 'bot', bed.causation);
    assert.equal(read.token, view.token);
    const regenerated = await robots.regenerate('acme', 'bot', bed.causation);
    assert.equal((await robots.get('acme', 'bot', bed.causation)).token, regenerated.token);
    assert.equal((await robots.list('acme')).robots.some((r) => 'token' in r), false, 'a list shows no token');
    const log = await eventLog();
    assert.deepEqual(log.filter((e) => e.type === 'RobotTokenRead').map((e) => JSON.parse(e.text)), [
      { username: 'acme+bot', namespace: 'acme' },
      { username: 'acme+bot', namespace: 'acme' },
    ]);
    for (const secret of [view.token!, regenerated.token!]) assert.equal(log.some((e) => e.text.includes(secret)), false, 'no token in the log');
  });

  it('offers a robot\'s credentials as a Docker login, a Docker config.json and a Kubernetes pull secret', async () => {
    const token = (await robots.get('acme', 'bot', bed.causation)).token!;
    const before = (await eventLog()).filter((e) => e.type === 'RobotTokenRead').length;
    const credentials = await robots.credentials('acme', 'bot', bed.causation);
    const auth64 = Buffer.from(`acme+bot:${token}`).toString('base64');
    assert.deepEqual(credentials.docker_config, { auths: { 'registry.example:5000': { auth: auth64, email: '' } } });
    assert.equal(credentials.docker_login, `docker login -u='acme+bot' -p='${token}' registry.example:5000`);
    assert.deepEqual({ ...credentials.kubernetes_secret, data: undefined }, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'acme-bot-pull-secret' }, type: 'kubernetes.io/dockerconfigjson', data: undefined });
    assert.deepEqual(JSON.parse(Buffer.from(credentials.kubernetes_secret.data['.dockerconfigjson'], 'base64').toString()), credentials.docker_config);
    assert.equal((await eventLog()).filter((e) => e.type === 'RobotTokenRead').length, before + 1);
    await assert.rejects(robots.credentials('acme', 'ghost', bed.causation), NotFoundError);
  });

  it('shows an API token\'s token_code to its owner again, recorded as ApiTokenRead; nobody else, nor after a revoke', async () => {
    const { view } = await users.createToken(userCaller('bob'), { title: 'ci' }, bed.causation);
    const read = await users.getToken(userCaller('bob'), view.token.uuid, bed.causation);
    assert.equal(read.token.token_code, view.token.token_code);
    await assert.rejects(users.getToken(userCaller('alice'), view.token.uuid, bed.causation), NotFoundError);
    const log = await eventLog();
    assert.deepEqual(log.filter((e) => e.type === 'ApiTokenRead').map((e) => JSON.parse(e.text)), [{ username: 'bob', tokenId: view.token.uuid }]);
    assert.equal(log.some((e) => e.text.includes(view.token.token_code)), false, 'no token in the log');
    await users.revokeToken(userCaller('bob'), view.token.uuid, bed.causation);
    await assert.rejects(users.getToken(userCaller('bob'), view.token.uuid, bed.causation), NotFoundError);
  });

  it('answers a token kept only as its hash (made before tokens were sealed) as a missing one, and records no reading', async () => {
    const old = mintToken(TokenKind.User);
    const tokenId = randomUUID();
    await bed.commands.run(AggregateKind.User, 'bob', userDecider, { kind: 'create-token', tokenId, title: 'old', scopes: [...SCOPES], expiresAt: null, tokenHash: old.hash }, bed.causation);
    const before = (await eventLog()).filter((e) => e.type === 'ApiTokenRead').length;
    await assert.rejects(users.getToken(userCaller('bob'), tokenId, bed.causation), refusedWith(DomainErrorCode.TokenNotFound));
    assert.equal((await eventLog()).filter((e) => e.type === 'ApiTokenRead').length, before);
    assert.ok((await users.listTokens(userCaller('bob'))).tokens.some((t) => t.uuid === tokenId), 'still listed, and still good to use');
  });

  it('signs in with an API token under Quay\'s `$app` user name, and refuses anything else there', async () => {
    const { view } = await users.createToken(userCaller('bob'), { title: 'docker' }, bed.causation);
    const caller = await auth.authenticate({ kind: 'basic', username: '$app', secret: view.token.token_code }, '127.0.0.1');
    assert.deepEqual({ kind: caller?.kind, username: caller?.username }, { kind: 'user', username: 'bob' });
    await assert.rejects(auth.authenticate({ kind: 'basic', username: '$app', secret: mintToken(TokenKind.User).token }, '127.0.0.1'), UnauthenticatedError);
    await assert.rejects(auth.authenticate({ kind: 'basic', username: '$app', secret: 'correct-horse-battery-1' }, '127.0.0.1'), UnauthenticatedError);
  });
});
