import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { AggregateKind, SCOPES } from '@ferry/contracts';
import { hashPassword, mintToken, robotDecider, TokenKind, userDecider } from '@ferry/identity';
import { ApiTokenRow, ApiTokenUsageRow } from '@ferry/read-models';
import { createSecretBox } from '@ferry/secrets';
import { createTestDatabase, eventually, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import type { MirrorConfigServiceConfig } from '../config';
import { ForbiddenError, UnauthenticatedError } from '../http/problem';
import { openServiceTestBed, type ServiceTestBed } from '../service-test-bed';
import { Authenticator } from './authenticator';
import { CredentialQueries } from './credential-queries';
import type { Credential } from './credential';
import { csrfTokenOf } from './session';

const PASSWORD = 'correct-horse-battery-1';
const SECRETS = createSecretBox(randomBytes(32));

/** An UnauthenticatedError with this message, said to be about a credential that was sent. */
const unauthenticated = (message: string | RegExp) => (error: unknown) =>
  error instanceof UnauthenticatedError && error.invalid && (typeof message === 'string' ? error.message === message : message.test(error.message));

/**
 * alice (a superuser) and bob, each with a password; bob holds a read-only API token, a revoked
 * one and an expired one; acme+bot is a robot. Every credential is checked against the read models.
 */
describe('the authenticator over the read models', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let auth: Authenticator;
  const tokens = { live: mintToken(TokenKind.User), revoked: mintToken(TokenKind.User), expired: mintToken(TokenKind.User), robot: mintToken(TokenKind.Robot) };
  const liveId = randomUUID();

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    auth = new Authenticator(new CredentialQueries(bed.dataSource), { superusers: ['alice'], oidc: undefined } as unknown as MirrorConfigServiceConfig);
    const user = (command: Parameters<typeof userDecider.decide>[0], name: string) => bed.commands.run(AggregateKind.User, name, userDecider, command, bed.causation);
    for (const name of ['alice', 'bob']) await user({ kind: 'create', username: name, email: null, password: await hashPassword(PASSWORD) }, name);
    await user({ kind: 'create-token', tokenId: liveId, title: 'ci', scopes: ['repo:read'], expiresAt: null, tokenHash: tokens.live.hash }, 'bob');
    const revokedId = randomUUID();
    await user({ kind: 'create-token', tokenId: revokedId, title: 'old', scopes: [...SCOPES], expiresAt: null, tokenHash: tokens.revoked.hash }, 'bob');
    await user({ kind: 'revoke-token', tokenId: revokedId }, 'bob');
    const expiredId = randomUUID();
    await user({ kind: 'create-token', tokenId: expiredId, title: 'short', scopes: [...SCOPES], expiresAt: new Date(Date.now() + 60_000).toISOString(), tokenHash: tokens.expired.hash }, 'bob');
    // Its minute has passed.
    await bed.dataSource.getRepository(ApiTokenRow).update({ tokenId: expiredId }, { expiresAt: new Date(Date.now() - 1_000) });
    await bed.commands.run(AggregateKind.Robot, 'acme+bot', robotDecider, { kind: 'create', namespace: 'acme', name: 'bot', description: '', token: SECRETS.seal(tokens.robot.token), tokenHash: tokens.robot.hash }, bed.causation);
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
  });

  const authenticate = (credential: Credential | null | undefined) => auth.authenticate(credential, '127.0.0.1');

  describe('no credential and unreadable ones', () => {
    it('is anonymous without a credential, and refuses an Authorization header it cannot read', async () => {
      assert.equal(await authenticate(undefined), null);
      await assert.rejects(authenticate(null), unauthenticated('the Authorization header cannot be read'));
    });
  });

  describe('bearer tokens', () => {
    it('takes a user\'s API token with its own scopes, and records its use', async () => {
      assert.deepEqual(await authenticate({ kind: 'bearer', token: tokens.live.token }), { kind: 'user', username: 'bob', superuser: false, scopes: ['repo:read'], tokenId: liveId });
      await eventually(async () => ((await bed.dataSource.getRepository(ApiTokenUsageRow).findOneBy({ tokenId: liveId })) ? true : undefined), 5_000, 'the token\'s last use');
    });

    it('refuses a revoked token, an expired one and an unknown one', async () => {
      await assert.rejects(authenticate({ kind: 'bearer', token: tokens.revoked.token }), unauthenticated('the token is not valid (unknown or revoked)'));
      await assert.rejects(authenticate({ kind: 'bearer', token: tokens.expired.token }), unauthenticated('the token has expired'));
      await assert.rejects(authenticate({ kind: 'bearer', token: mintToken(TokenKind.User).token }), unauthenticated('the token is not valid (unknown or revoked)'));
    });

    it('takes a robot\'s token, and refuses what is no Ferry token', async () => {
      assert.deepEqual(await authenticate({ kind: 'bearer', token: tokens.robot.token }), { kind: 'robot', username: 'acme+bot', namespace: 'acme' });
      await assert.rejects(authenticate({ kind: 'bearer', token: 'eyJhbGciOi.not.ours' }), unauthenticated('the bearer token is not a Ferry token'));
    });
  });

  describe('basic credentials', () => {
    it('takes a password, with every scope, and marks a superuser', async () => {
      assert.deepEqual(await authenticate({ kind: 'basic', username: 'alice', secret: PASSWORD }), { kind: 'user', username: 'alice', superuser: true, scopes: SCOPES, tokenId: null });
      await assert.rejects(authenticate({ kind: 'basic', username: 'alice', secret: 'wrong-password-1' }), unauthenticated('the user name or password is wrong'));
      await assert.rejects(authenticate({ kind: 'basic', username: 'nobody', secret: PASSWORD }), unauthenticated('the user name or password is wrong'));
    });

    it('takes an API token as the password of its own user only', async () => {
      assert.equal((await authenticate({ kind: 'basic', username: 'bob', secret: tokens.live.token }))?.username, 'bob');
      await assert.rejects(authenticate({ kind: 'basic', username: 'alice', secret: tokens.live.token }), unauthenticated('the token is not valid (unknown or revoked)'));
    });

    it('takes a robot\'s token under the robot\'s name only', async () => {
      assert.deepEqual(await authenticate({ kind: 'basic', username: 'acme+bot', secret: tokens.robot.token }), { kind: 'robot', username: 'acme+bot', namespace: 'acme' });
      await assert.rejects(authenticate({ kind: 'basic', username: 'acme+other', secret: tokens.robot.token }), unauthenticated('the robot credentials are not valid'));
      await assert.rejects(authenticate({ kind: 'basic', username: 'acme+bot', secret: 'not-a-token' }), unauthenticated('the robot credentials are not valid'));
    });
  });

  describe('console sessions', () => {
    it('lets a session read without its CSRF token, and change only with it', async () => {
      const token = tokens.live.token;
      assert.equal((await authenticate({ kind: 'session', token, csrf: undefined, unsafe: false }))?.username, 'bob');
      assert.equal((await authenticate({ kind: 'session', token, csrf: csrfTokenOf(token), unsafe: true }))?.username, 'bob');
      await assert.rejects(authenticate({ kind: 'session', token, csrf: undefined, unsafe: true }), ForbiddenError);
      await assert.rejects(authenticate({ kind: 'session', token, csrf: csrfTokenOf(tokens.revoked.token), unsafe: true }), ForbiddenError);
    });

    it('says a session has ended when its token is revoked or expired, and refuses a cookie that is no user token', async () => {
      await assert.rejects(authenticate({ kind: 'session', token: tokens.revoked.token, csrf: undefined, unsafe: false }), unauthenticated(/^the session has ended/));
      await assert.rejects(authenticate({ kind: 'session', token: tokens.expired.token, csrf: undefined, unsafe: false }), unauthenticated(/^the session has ended/));
      await assert.rejects(authenticate({ kind: 'session', token: tokens.robot.token, csrf: undefined, unsafe: false }), unauthenticated('the session cookie is not valid: sign in again'));
    });
  });
});
