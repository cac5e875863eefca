import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AggregateKind, DomainErrorCode } from '@ferry/contracts';
import { hashPassword, organizationDecider, robotDecider, teamDecider, teamId, userDecider } from '@ferry/identity';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { openServiceTestBed, refusedField, refusedWith, type ServiceTestBed } from '../service-test-bed';
import { PrototypeService } from './prototype.service';

/** Default permissions over a real log: stored on the organization, answered in Quay's shape, granted to new repositories. */
describe('the default permission service', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let prototypes: PrototypeService;

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    prototypes = new PrototypeService(bed.commands);
    await bed.commands.run(AggregateKind.Organization, 'acme', organizationDecider, { kind: 'create', name: 'acme', email: null, creator: { kind: 'user', name: 'alice' } }, bed.causation);
    await bed.commands.run(AggregateKind.Robot, 'acme+ci', robotDecider, { kind: 'create', namespace: 'acme', name: 'ci', description: '', token: { keyId: 'k', ciphertext: 'c' }, tokenHash: 'h' }, bed.causation);
    for (const username of ['alice', 'bob']) {
      await bed.commands.run(AggregateKind.User, username, userDecider, { kind: 'create', username, email: null, password: await hashPassword('a-long-password-1') }, bed.causation);
    }
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
  });

  it('creates, lists, changes and deletes a default permission in Quay\'s shape', async () => {
    const { view } = await prototypes.create('acme', { role: 'write', delegate: { name: 'acme+ci', kind: 'user' }, activating_user: { name: 'bob' } }, bed.causation);
    assert.deepEqual({ ...view, id: '' }, {
      activating_user: { name: 'bob', is_robot: false, kind: 'user', is_org_member: false, avatar: { name: 'bob', hash: '', color: '#0066cc', kind: 'user' } },
      delegate: { name: 'acme+ci', is_robot: true, kind: 'user', is_org_member: true, avatar: { name: 'acme+ci', hash: '', color: '#0066cc', kind: 'user' } },
      role: 'write',
      id: '',
    });
    assert.deepEqual(await prototypes.list('acme'), { prototypes: [view] });
    assert.equal((await prototypes.update('acme', view.id, { role: 'admin' }, bed.causation)).view.role, 'admin');
    assert.deepEqual(await prototypes.grantsFor('acme', 'bob'), [{ principal: { kind: 'robot', name: 'acme+ci' }, role: 'admin' }]);
    assert.deepEqual(await prototypes.grantsFor('acme', 'alice'), []);
    await prototypes.delete('acme', view.id, bed.causation);
    await assert.rejects(prototypes.delete('acme', view.id, bed.causation), refusedWith(DomainErrorCode.DefaultPermissionNotFound));
    assert.deepEqual(await prototypes.list('acme'), { prototypes: [] });
  });

  it('refuses an unknown team, user or robot, another organization\'s robot and an unknown activating user, storing nothing', async () => {
    await assert.rejects(prototypes.create('acme', { role: 'read', delegate: { name: 'ghosts', kind: 'team' } }, bed.causation), refusedField('delegate.name', /no team of acme/));
    await assert.rejects(prototypes.create('acme', { role: 'read', delegate: { name: 'owners', kind: 'robot' } }, bed.causation), refusedField('delegate.kind'));
    await assert.rejects(prototypes.create('acme', { role: 'read', delegate: { name: 'ghost', kind: 'user' } }, bed.causation), refusedField('delegate.name'));
    await assert.rejects(prototypes.create('acme', { role: 'read', delegate: { name: 'other+ci', kind: 'user' } }, bed.causation), refusedField('delegate.name'));
    await assert.rejects(prototypes.create('acme', { role: 'read', delegate: { name: 'alice', kind: 'user' }, activating_user: { name: 'ghost' } }, bed.causation), refusedField('activating_user.name'));
    await assert.rejects(prototypes.create('acme', { role: 'owner', delegate: { name: 'alice', kind: 'user' } }, bed.causation), refusedField('role'));
    await assert.rejects(prototypes.list('nowhere'), refusedWith(DomainErrorCode.OrganizationNotFound));
    assert.deepEqual(await prototypes.list('acme'), { prototypes: [] });
  });

  it('grants a team delegate\'s role to the team on new repositories, in Quay\'s team shape, and nothing once the team is gone', async () => {
    await bed.commands.run(AggregateKind.Team, teamId('acme', 'builders'), teamDecider, { kind: 'save', organization: 'acme', team: 'builders', role: 'member', description: '' }, bed.causation);
    const { view } = await prototypes.create('acme', { role: 'write', delegate: { name: 'builders', kind: 'team' } }, bed.causation);
    assert.deepEqual(view.delegate, { name: 'builders', kind: 'team', avatar: { name: 'builders', hash: '', color: '#0066cc', kind: 'team' } });
    assert.deepEqual(await prototypes.get('acme', view.id), view);
    assert.deepEqual(await prototypes.grantsFor('acme', 'bob'), [{ principal: { kind: 'team', name: 'builders' }, role: 'write' }]);
    await bed.commands.run(AggregateKind.Team, teamId('acme', 'builders'), teamDecider, { kind: 'delete' }, bed.causation);
    assert.deepEqual(await prototypes.grantsFor('acme', 'bob'), []);
    await prototypes.delete('acme', view.id, bed.causation);
  });

  it('grants nothing to a delegate that is gone', async () => {
    await prototypes.create('acme', { role: 'read', delegate: { name: 'alice', kind: 'user' } }, bed.causation);
    assert.deepEqual(await prototypes.grantsFor('acme', null), [{ principal: { kind: 'user', name: 'alice' }, role: 'read' }]);
    await bed.commands.run(AggregateKind.User, 'alice', userDecider, { kind: 'delete' }, bed.causation);
    assert.deepEqual(await prototypes.grantsFor('acme', null), []);
    assert.deepEqual(await prototypes.grantsFor('not-an-organization', null), []);
  });
});
