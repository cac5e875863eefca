import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainErrorCode, type NewEvent, type TeamEvent } from '@ferry/contracts';
import { allows, repositoryRole, requires, type Caller, type Grants } from './access';
import { teamDecider, type TeamCommand, type TeamState } from './team.decider';

/** Decides each command on the state the earlier ones left; returns every command's events. */
function run(commands: TeamCommand[]): { state: TeamState; decided: NewEvent<TeamEvent>[][] } {
  let state = teamDecider.initialState();
  const decided: NewEvent<TeamEvent>[][] = [];
  for (const command of commands) {
    const events = teamDecider.decide(command, state);
    decided.push(events);
    // The decider reads only an event's type and data.
    for (const e of events) state = teamDecider.evolve(state, e as unknown as TeamEvent);
  }
  return { state, decided };
}

const save = (role: 'member' | 'creator' | 'admin', description = ''): TeamCommand => ({ kind: 'save', organization: 'acme', team: 'readers', role, description });
const dev = { kind: 'user', name: 'dev' } as const;
const robot = { kind: 'robot', name: 'acme+ci' } as const;

describe('team decider', () => {
  it('creates a team on the first save, updates it on a change, and records nothing for a save that changes nothing', () => {
    const { decided, state } = run([save('member'), save('member', 'pullers'), save('member', 'pullers'), save('admin', 'pullers')]);
    assert.deepEqual(decided.map((events) => events.map((e) => e.type)), [['TeamCreated'], ['TeamUpdated'], [], ['TeamUpdated']]);
    assert.equal(state.status === 'active' && state.role, 'admin');
  });

  it('adds a member once, removes it once (a second removal is TEAM_MEMBER_NOT_FOUND)', () => {
    const { decided, state } = run([save('member'), { kind: 'add-member', member: dev }, { kind: 'add-member', member: dev }, { kind: 'add-member', member: robot }, { kind: 'remove-member', member: dev }]);
    assert.deepEqual(decided.map((events) => events.map((e) => e.type)), [['TeamCreated'], ['TeamMemberAdded'], [], ['TeamMemberAdded'], ['TeamMemberRemoved']]);
    assert.throws(() => teamDecider.decide({ kind: 'remove-member', member: dev }, state), { code: DomainErrorCode.TeamMemberNotFound });
  });

  it('deletes a team once; a team made again under its name starts with no members', () => {
    const { state } = run([save('member'), { kind: 'add-member', member: dev }, { kind: 'delete' }]);
    assert.throws(() => teamDecider.decide({ kind: 'delete' }, state), { code: DomainErrorCode.TeamNotFound });
    assert.throws(() => teamDecider.decide({ kind: 'add-member', member: dev }, state), { code: DomainErrorCode.TeamNotFound });
    const again = run([save('member'), { kind: 'add-member', member: dev }, { kind: 'delete' }, save('member'), { kind: 'add-member', member: dev }]);
    assert.deepEqual(again.decided.at(-1)!.map((e) => e.type), ['TeamMemberAdded']);
  });
});

describe('team roles in the access rules', () => {
  const user: Caller = { kind: 'user', username: 'dev', superuser: false, scopes: ['repo:admin', 'repo:create', 'org:admin', 'user:read'], tokenId: null };
  const ciRobot: Caller = { kind: 'robot', username: 'acme+ci', namespace: 'acme' };
  const repo = { namespace: 'acme', repository: 'app' };
  const inTeam = (team: Grants['team'], repository: Grants['repository'] = null): Grants => ({ organization: null, repository, team });

  it('a member team gives its members its repositories\' roles and the organization\'s member view, nothing more', () => {
    assert.equal(repositoryRole(user, repo, inTeam('member')), null);
    assert.equal(repositoryRole(user, repo, inTeam('member', 'read')), 'read');
    assert.equal(repositoryRole(ciRobot, repo, inTeam('member', 'read')), 'read');
    assert.equal(allows(requires.organization('read'), user, repo, inTeam('member')), true);
    assert.equal(allows(requires.organization('admin'), user, repo, inTeam('member')), false);
    assert.equal(allows(requires.createRepository(), user, repo, inTeam('member')), false);
  });

  it('a creator team creates repositories; an admin team administers the organization and all its repositories', () => {
    assert.equal(allows(requires.createRepository(), user, repo, inTeam('creator')), true);
    assert.equal(allows(requires.organization('admin'), user, repo, inTeam('creator')), false);
    assert.equal(repositoryRole(user, repo, inTeam('creator')), null);
    assert.equal(allows(requires.organization('admin'), user, repo, inTeam('admin')), true);
    assert.equal(allows(requires.createRepository(), user, repo, inTeam('admin')), true);
    assert.equal(repositoryRole(user, repo, inTeam('admin')), 'admin');
    assert.equal(repositoryRole(ciRobot, repo, inTeam('admin')), 'admin');
    // A robot is never an organization admin, whatever its team.
    assert.equal(allows(requires.organization('read'), ciRobot, repo, inTeam('admin')), false);
  });

  it('a token\'s scopes still cap what a team gives', () => {
    const reader: Caller = { ...user, scopes: ['repo:read'] };
    assert.equal(repositoryRole(reader, repo, inTeam('admin')), 'read');
    assert.equal(allows(requires.createRepository(), reader, repo, inTeam('creator')), false);
    assert.equal(allows(requires.organization('admin'), reader, repo, inTeam('admin')), false);
  });
});
