import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError, type FerryEvent, type NewEvent } from '@ferry/contracts';
import { organizationDecider } from './organization.decider';
import { hashPassword, passwordProblem, verifyPassword } from './password';
import { repositoryDecider } from './repository.decider';
import { robotDecider } from './robot.decider';
import { mintToken, TokenKind, tokenHash, tokenKindOf } from './secret-token';
import { userDecider } from './user.decider';

/** Folds `given`, decides `command`: the events a command produces after a history. */
interface Decider<C, S, E> {
  initialState: () => S;
  evolve: (state: S, event: E) => S;
  decide: (command: C, state: S) => NewEvent[];
}

function when<C, S, E extends FerryEvent>(decider: Decider<C, S, E>, given: NewEvent[], command: C): NewEvent[] {
  const state = given.reduce((s, e) => decider.evolve(s, e as unknown as E), decider.initialState());
  return decider.decide(command, state);
}

const password = { algorithm: 'scrypt', cost: { N: 2, r: 1, p: 1 }, salt: '', hash: '' } as const;

describe('identity deciders', () => {
  it('creates a user once; the bootstrap create is a no-op when the user exists', () => {
    const created = when(userDecider, [], { kind: 'create', username: 'admin', email: null, password });
    assert.equal(created[0]!.type, 'UserCreated');
    assert.throws(() => when(userDecider, created, { kind: 'create', username: 'admin', email: null, password }), DomainError);
    assert.deepEqual(when(userDecider, created, { kind: 'create', username: 'admin', email: null, password, ifAbsent: true }), []);
  });

  it('disables and enables a user once each, and appends nothing for an e-mail address it already has', () => {
    const created = when(userDecider, [], { kind: 'create', username: 'u1', email: 'a@example.com', password });
    assert.deepEqual(when(userDecider, created, { kind: 'set-enabled', enabled: true }), []);
    const disabled = when(userDecider, created, { kind: 'set-enabled', enabled: false });
    assert.deepEqual(disabled, [{ type: 'UserEnabledChanged', data: { username: 'u1', enabled: false } }]);
    assert.deepEqual(when(userDecider, [...created, ...disabled], { kind: 'set-enabled', enabled: false }), []);
    assert.equal(when(userDecider, [...created, ...disabled], { kind: 'set-enabled', enabled: true })[0]!.type, 'UserEnabledChanged');
    assert.deepEqual(when(userDecider, created, { kind: 'update', email: 'a@example.com' }), []);
    assert.equal(when(userDecider, created, { kind: 'update', email: 'b@example.com' })[0]!.type, 'UserUpdated');
    const deleted = [...created, ...when(userDecider, created, { kind: 'delete' })];
    assert.throws(() => when(userDecider, deleted, { kind: 'set-enabled', enabled: false }), /no such user/);
  });

  it('revokes a token once, and only a token of the user', () => {
    const history = [
      ...when(userDecider, [], { kind: 'create', username: 'u1', email: null, password }),
      { type: 'ApiTokenCreated', data: { username: 'u1', tokenId: 't1', title: 'ci', scopes: ['repo:read'], expiresAt: null, tokenHash: 'h' } } as const,
    ];
    const revoked = when(userDecider, history, { kind: 'revoke-token', tokenId: 't1' });
    assert.equal(revoked[0]!.type, 'ApiTokenRevoked');
    assert.deepEqual(when(userDecider, [...history, ...revoked], { kind: 'revoke-token', tokenId: 't1' }), []);
    assert.throws(() => when(userDecider, history, { kind: 'revoke-token', tokenId: 'other' }), /no token/);
  });

  it('records a reading of a sealed token, and refuses one kept only as its hash, revoked or unknown', () => {
    const sealed = { keyId: 'k', ciphertext: 'c' };
    const history = [
      ...when(userDecider, [], { kind: 'create', username: 'u1', email: null, password }),
      ...when(userDecider, [{ type: 'UserCreated', data: { username: 'u1', email: null, password } }], { kind: 'create-token', tokenId: 't1', title: 'ci', scopes: ['repo:read'], expiresAt: null, tokenHash: 'h', token: sealed }),
      { type: 'ApiTokenCreated', data: { username: 'u1', tokenId: 'old', title: 'old', scopes: ['repo:read'], expiresAt: null, tokenHash: 'h2' } } as const,
    ];
    assert.deepEqual(when(userDecider, history, { kind: 'read-token', tokenId: 't1' }), [{ type: 'ApiTokenRead', data: { username: 'u1', tokenId: 't1' } }]);
    assert.throws(() => when(userDecider, history, { kind: 'read-token', tokenId: 'old' }), /no token old/);
    assert.throws(() => when(userDecider, history, { kind: 'read-token', tokenId: 'other' }), /no token other/);
    const revoked = [...history, ...when(userDecider, history, { kind: 'revoke-token', tokenId: 't1' })];
    assert.throws(() => when(userDecider, revoked, { kind: 'read-token', tokenId: 't1' }), /no token t1/);
  });

  it('makes an organization\'s creator its admin, and grants are idempotent', () => {
    const created = when(organizationDecider, [], { kind: 'create', name: 'acme', email: null, creator: { kind: 'user', name: 'alice' } });
    assert.deepEqual(created.map((e) => e.type), ['OrganizationCreated', 'PermissionGranted']);
    assert.deepEqual(when(organizationDecider, created, { kind: 'grant', principal: { kind: 'user', name: 'alice' }, role: 'admin' }), []);
    assert.throws(() => when(organizationDecider, created, { kind: 'revoke', principal: { kind: 'user', name: 'bob' } }), /holds no permission/);
  });

  it('appends nothing for an organization or robot update that changes nothing', () => {
    const org = when(organizationDecider, [], { kind: 'create', name: 'acme', email: 'ops@example.com', creator: null });
    assert.deepEqual(when(organizationDecider, org, { kind: 'update', email: 'ops@example.com' }), []);
    const changed = when(organizationDecider, org, { kind: 'update', email: 'it@example.com' });
    assert.equal(changed[0]!.type, 'OrganizationUpdated');
    assert.deepEqual(when(organizationDecider, [...org, ...changed], { kind: 'update', email: 'it@example.com' }), []);

    const robot = when(robotDecider, [], { kind: 'create', namespace: 'acme', name: 'bot', description: 'pulls', token: { keyId: 'k', ciphertext: 'c' }, tokenHash: 'h' });
    assert.deepEqual(when(robotDecider, robot, { kind: 'update', description: 'pulls' }), []);
    const described = when(robotDecider, robot, { kind: 'update', description: 'pushes' });
    assert.equal(described[0]!.type, 'RobotUpdated');
    assert.deepEqual(when(robotDecider, [...robot, ...described], { kind: 'update', description: 'pushes' }), []);
  });

  it('starts a repository created again after a delete with no grants', () => {
    const create = { kind: 'create', namespace: 'acme', repository: 'etcd', description: '', visibility: 'private', state: 'NORMAL' } as const;
    const history = [
      ...when(repositoryDecider, [], create),
      { type: 'PermissionGranted', data: { resource: { kind: 'repository', namespace: 'acme', repository: 'etcd' }, principal: { kind: 'user', name: 'bob' }, role: 'write' } } as const,
      { type: 'RepositoryDeleted', data: { namespace: 'acme', repository: 'etcd' } } as const,
    ];
    const again = [...history, ...when(repositoryDecider, history, create)];
    assert.throws(() => when(repositoryDecider, again, { kind: 'revoke', principal: { kind: 'user', name: 'bob' } }), /holds no permission/);
    assert.deepEqual(when(repositoryDecider, again, { kind: 'change-state', state: 'NORMAL' }), []);
    assert.equal(when(repositoryDecider, again, { kind: 'change-state', state: 'MIRROR' })[0]!.type, 'RepositoryStateChanged');
  });
});

describe('secrets of identities', () => {
  it('hashes passwords with scrypt and checks them in constant time', async () => {
    const hash = await hashPassword('correct horse battery');
    assert.equal(hash.algorithm, 'scrypt');
    assert.ok(!JSON.stringify(hash).includes('correct horse'));
    assert.equal(await verifyPassword('correct horse battery', hash), true);
    assert.equal(await verifyPassword('correct horse batterY', hash), false);
    assert.notEqual((await hashPassword('correct horse battery')).salt, hash.salt);
    assert.ok(passwordProblem('short'));
    assert.equal(passwordProblem('long enough'), undefined);
  });

  it('mints prefixed tokens and keeps only their hash', () => {
    const { token, hash } = mintToken(TokenKind.User);
    assert.match(token, /^ferry_pat_[A-Za-z0-9_-]{43}$/);
    assert.equal(hash, tokenHash(token));
    assert.ok(!hash.includes(token.slice(10)));
    assert.equal(tokenKindOf(token), TokenKind.User);
    assert.equal(tokenKindOf(mintToken(TokenKind.Robot).token), TokenKind.Robot);
    for (const bad of ['', 'ferry_pat_', `${token}x`, token.replace('ferry_pat_', 'ferry_pot_'), 'password123']) assert.equal(tokenKindOf(bad), null, bad);
  });
});
