import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NewEvent, OrganizationEvent } from '@ferry/contracts';
import { defaultGrants } from './default-permissions';
import { organizationDecider, type OrganizationCommand, type OrganizationState } from './organization.decider';
import { repositoryDecider } from './repository.decider';

const robot = { kind: 'robot', name: 'acme+ci' } as const;
const alice = { kind: 'user', name: 'alice' } as const;

function given(...commands: OrganizationCommand[]): { state: OrganizationState; events: NewEvent[] } {
  let state = organizationDecider.initialState();
  const events: NewEvent[] = [];
  for (const command of [{ kind: 'create', name: 'acme', email: null, creator: null } as const, ...commands]) {
    for (const event of organizationDecider.decide(command, state)) {
      events.push(event);
      state = organizationDecider.evolve(state, event as OrganizationEvent);
    }
  }
  return { state, events };
}
const table = (state: OrganizationState) => (state.status === 'active' ? state.defaultPermissions : {});

describe('default permissions of an organization', () => {
  it('are created, changed and deleted once each; a create retried with its id changes nothing', () => {
    const create = { kind: 'create-default-permission', prototypeId: 'p1', delegate: robot, role: 'write', activatingUser: null } as const;
    const { state, events } = given(create, create, { kind: 'change-default-permission', prototypeId: 'p1', role: 'admin' }, { kind: 'change-default-permission', prototypeId: 'p1', role: 'admin' });
    assert.deepEqual(events.map((e) => e.type), ['OrganizationCreated', 'DefaultPermissionCreated', 'DefaultPermissionChanged']);
    assert.deepEqual(table(state), { p1: { delegate: robot, role: 'admin', activatingUser: null } });
    const deleted = given(create, { kind: 'delete-default-permission', prototypeId: 'p1' });
    assert.deepEqual(table(deleted.state), {});
    assert.throws(() => organizationDecider.decide({ kind: 'delete-default-permission', prototypeId: 'p1' }, deleted.state), { code: 'DEFAULT_PERMISSION_NOT_FOUND' });
    assert.throws(() => organizationDecider.decide({ kind: 'change-default-permission', prototypeId: 'nope', role: 'read' }, deleted.state), { code: 'DEFAULT_PERMISSION_NOT_FOUND' });
  });

  it('grant a new repository those without an activating user and the creator\'s, the higher role of a delegate named twice', () => {
    const { state } = given(
      { kind: 'create-default-permission', prototypeId: 'p1', delegate: robot, role: 'read', activatingUser: null },
      { kind: 'create-default-permission', prototypeId: 'p2', delegate: robot, role: 'write', activatingUser: 'bob' },
      { kind: 'create-default-permission', prototypeId: 'p3', delegate: alice, role: 'admin', activatingUser: 'carol' },
    );
    assert.deepEqual(defaultGrants(table(state), null), [{ principal: robot, role: 'read' }]);
    assert.deepEqual(defaultGrants(table(state), 'bob'), [{ principal: robot, role: 'write' }]);
    assert.deepEqual(defaultGrants(table(state), 'carol'), [{ principal: robot, role: 'read' }, { principal: alice, role: 'admin' }]);
  });

  it('are granted with the repository as it is created, in the same decision', () => {
    const events = repositoryDecider.decide(
      { kind: 'create', namespace: 'acme', repository: 'app', description: '', visibility: 'private', state: 'NORMAL', grants: [{ principal: robot, role: 'write' }] },
      repositoryDecider.initialState(),
    );
    assert.deepEqual(events, [
      { type: 'RepositoryCreated', data: { namespace: 'acme', repository: 'app', description: '', visibility: 'private', state: 'NORMAL' } },
      { type: 'PermissionGranted', data: { resource: { kind: 'repository', namespace: 'acme', repository: 'app' }, principal: robot, role: 'write' } },
    ]);
  });

  it('go with their organization: one created again starts with none', () => {
    const { state, events } = given({ kind: 'create-default-permission', prototypeId: 'p1', delegate: robot, role: 'read', activatingUser: null }, { kind: 'delete' });
    assert.equal(state.status, 'deleted');
    const again = organizationDecider.decide({ kind: 'create', name: 'acme', email: null, creator: null }, state);
    const folded = [...events, ...again].reduce((s, e) => organizationDecider.evolve(s, e as OrganizationEvent), organizationDecider.initialState());
    assert.deepEqual(table(folded), {});
  });
});
