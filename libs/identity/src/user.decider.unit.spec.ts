import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NewEvent, UserEvent } from '@ferry/contracts';
import { userDecider, type UserCommand } from './user.decider';

const password = { algorithm: 'scrypt', cost: { N: 2, r: 1, p: 1 }, salt: 'a', hash: 'b' } as const;
const token = (tokenId: string, extra: Partial<Extract<UserCommand, { kind: 'create-token' }>> = {}): UserCommand => ({
  kind: 'create-token',
  tokenId,
  title: 'ci',
  scopes: ['repo:read'],
  expiresAt: null,
  tokenHash: tokenId,
  ...extra,
});

/** Decides each command on the state the earlier ones left; returns the last command's events. */
function last(commands: UserCommand[]): NewEvent<UserEvent>[] {
  let state = userDecider.initialState();
  let events: NewEvent<UserEvent>[] = [];
  for (const command of commands) {
    events = userDecider.decide(command, state);
    for (const e of events) state = userDecider.evolve(state, e as unknown as UserEvent);
  }
  return events;
}

/** The fields of an event's data, whichever event it is. */
const data = (e: NewEvent<UserEvent> | undefined) => (e?.data ?? {}) as { tokenId?: string; application?: unknown; session?: boolean };

const create: UserCommand = { kind: 'create', username: 'alice', email: null, password };
const application = { organization: 'acme', clientId: 'C1' };

describe('user decider: what a password change ends (Quay\'s invalidate_all_sessions)', () => {
  it('revokes every live session, keeps the one the change came with, and leaves API and application tokens alone', () => {
    const events = last([
      create,
      token('s1', { session: true }),
      token('s2', { session: true }),
      token('s3', { session: true }),
      { kind: 'revoke-token', tokenId: 's3' },
      // A session from before sessions were marked: its title says it.
      token('old', { title: 'web console session' }),
      token('api'),
      token('app', { application }),
      { kind: 'change-password', password, keepSession: 's2' },
    ]);
    assert.deepEqual(
      events.map((e) => (e.type === 'ApiTokenRevoked' ? `revoked ${data(e).tokenId}` : e.type)),
      ['UserPasswordChanged', 'revoked s1', 'revoked old'],
    );
  });

  it('records the token\'s marks on ApiTokenCreated', () => {
    const [created] = last([create, token('app', { application })]);
    assert.deepEqual(data(created).application, application);
    const [session] = last([create, token('s', { session: true })]);
    assert.equal(data(session).session, true);
  });
});

describe('user decider: an application\'s tokens', () => {
  it('revokes the live tokens of the deleted application only, once', () => {
    const revoke: UserCommand = { kind: 'revoke-application-tokens', application };
    const events = last([create, token('a1', { application }), token('a2', { application }), token('other', { application: { organization: 'acme', clientId: 'C2' } }), token('mine'), revoke]);
    assert.deepEqual(events.map((e) => e.type === 'ApiTokenRevoked' && data(e).tokenId), ['a1', 'a2']);
    assert.deepEqual(last([create, token('a1', { application }), revoke, revoke]), []);
  });

  it('has nothing to revoke for a user deleted since', () => {
    assert.deepEqual(last([create, token('a1', { application }), { kind: 'delete' }, { kind: 'revoke-application-tokens', application }]), []);
  });

  it('records the issue of a client key, never the key', () => {
    assert.deepEqual(last([create, { kind: 'issue-client-key' }]), [{ type: 'ClientKeyIssued', data: { username: 'alice' } }]);
  });
});
