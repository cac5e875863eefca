import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AggregateKind, DomainErrorCode, mirrorId, RepositoryState, Visibility } from '@ferry/contracts';
import { organizationDecider, repositoryDecider, robotDecider, userDecider, type Principal } from '@ferry/identity';
import { createSecretBox } from '@ferry/secrets';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { NotFoundError } from '../http/problem';
import { openServiceTestBed, refusedField, refusedWith, type ServiceTestBed } from '../service-test-bed';
import { PermissionQueries } from './permission-queries';
import { PermissionService } from './permission.service';

const SECRETS = createSecretBox(randomBytes(32));
const APP = { namespace: 'acme', repository: 'app' };
const ACME = { namespace: 'acme', repository: '' };
const user = (name: string): Principal => ({ kind: 'user', name });
const robot = (name: string): Principal => ({ kind: 'robot', name });

/**
 * The organization acme (created by alice, its first admin) with the repository acme/app and the
 * robot acme+bot; the users alice, bob and carol. Every grant goes through the deciders and the
 * projections, as in the service.
 */
describe('the permission service over the event log and the read models', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let service: PermissionService;
  let queries: PermissionQueries;

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    const { commands, causation } = bed;
    for (const name of ['alice', 'bob', 'carol']) {
      await commands.run(AggregateKind.User, name, userDecider, { kind: 'create', username: name, email: null, password: null }, causation);
    }
    await commands.run(AggregateKind.Organization, 'acme', organizationDecider, { kind: 'create', name: 'acme', email: null, creator: user('alice') }, causation);
    await commands.run(AggregateKind.Organization, 'other', organizationDecider, { kind: 'create', name: 'other', email: null, creator: null }, causation);
    await commands.run(
      AggregateKind.Repository,
      mirrorId('acme', 'app'),
      repositoryDecider,
      { kind: 'create', namespace: 'acme', repository: 'app', description: '', visibility: Visibility.Private, state: RepositoryState.Normal },
      causation,
    );
    await commands.run(
      AggregateKind.Robot,
      'acme+bot',
      robotDecider,
      { kind: 'create', namespace: 'acme', name: 'bot', description: '', token: SECRETS.seal('robot-token'), tokenHash: 'not-a-real-hash' },
      causation,
    );
    queries = new PermissionQueries(bed.dataSource);
    service = new PermissionService(queries, bed.commands);
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
  });

  describe('granting', () => {
    it('grants a user a role on a repository, read back by get and by the list, and Quay\'s view of it', async () => {
      const { view, ignored } = await service.set(APP, 'bob', { role: 'write' }, bed.causation);
      assert.deepEqual(view, { role: 'write', name: 'bob', is_robot: false, avatar: { name: 'bob', hash: '', color: '#0066cc', kind: 'user' }, is_org_member: true });
      assert.deepEqual(ignored, []);
      assert.deepEqual(await service.get(APP, 'bob'), view);
      assert.deepEqual(Object.keys((await service.list(APP)).permissions), ['bob']);
    });

    it('names the fields of a Quay body it ignored, and grants anyway', async () => {
      const { view, ignored } = await service.set(APP, 'carol', { role: 'read', team: 'owners' }, bed.causation);
      assert.equal(view.role, 'read');
      assert.deepEqual(ignored, ['team']);
      assert.equal((await service.get(APP, 'carol')).role, 'read');
    });

    it('grants a robot of the namespace, shown as a robot', async () => {
      const { view } = await service.set(APP, 'acme+bot', { role: 'write' }, bed.causation);
      assert.equal(view.is_robot, true);
      assert.equal(view.avatar.kind, 'robot');
      const row = await queries.grantOf(APP, robot('acme+bot'));
      assert.deepEqual({ kind: row?.principalKind, role: row?.role }, { kind: 'robot', role: 'write' });
    });

    it('changes a held role in place', async () => {
      await service.set(APP, 'carol', { role: 'admin' }, bed.causation);
      assert.equal((await service.get(APP, 'carol')).role, 'admin');
      assert.equal((await queries.grantsOn(APP)).filter((r) => r.principalName === 'carol').length, 1);
    });

    it('keeps an organization\'s grants apart from its repositories\'', async () => {
      // alice is acme's first admin, as its creator.
      assert.deepEqual(Object.keys((await service.list(ACME)).permissions), ['alice']);
      assert.equal((await service.get(ACME, 'alice')).role, 'admin');
      await assert.rejects(service.get(APP, 'alice'), NotFoundError);
      assert.deepEqual(Object.keys((await service.list(APP)).permissions), ['acme+bot', 'bob', 'carol']);
    });
  });

  describe('refusals', () => {
    it('refuses a role that is not one', async () => {
      await assert.rejects(service.set(APP, 'bob', { role: 'owner' }, bed.causation), refusedField('role', /must be one of read, write, admin/));
    });

    it('refuses a name that is no user name', async () => {
      await assert.rejects(service.set(APP, 'Bob Smith', { role: 'read' }, bed.causation), refusedField('username'));
      await assert.rejects(service.get(APP, 'Bob Smith'), refusedField('username'));
    });

    it('refuses a user that does not exist, and a robot that does not', async () => {
      await assert.rejects(service.set(APP, 'dave', { role: 'read' }, bed.causation), refusedField('username', /^names no user$/));
      await assert.rejects(service.set(APP, 'acme+ghost', { role: 'read' }, bed.causation), refusedField('username', /^names no robot$/));
      assert.equal(await queries.grantOf(APP, user('dave')), null);
    });

    it('refuses a robot of another namespace, even one that exists', async () => {
      await bed.commands.run(
        AggregateKind.Robot,
        'other+bot',
        robotDecider,
        { kind: 'create', namespace: 'other', name: 'bot', description: '', token: SECRETS.seal('robot-token'), tokenHash: 'another-hash' },
        bed.causation,
      );
      await assert.rejects(service.set(APP, 'other+bot', { role: 'read' }, bed.causation), refusedField('username', /another namespace than acme/));
    });

    it('refuses a grant to the owner of a user namespace', async () => {
      await assert.rejects(service.set({ namespace: 'bob', repository: 'own' }, 'bob', { role: 'read' }, bed.causation), refusedField('username', /owns the namespace/));
    });

    it('refuses a grant on a repository that does not exist (the decider\'s 404)', async () => {
      await assert.rejects(service.set({ namespace: 'acme', repository: 'nothing' }, 'bob', { role: 'read' }, bed.causation), refusedWith(DomainErrorCode.RepositoryNotFound));
    });

    it('answers 404 for a permission not held, and refuses to revoke it', async () => {
      await assert.rejects(service.get(APP, 'alice'), (error: unknown) => error instanceof NotFoundError && error.message === 'alice holds no permission on acme/app');
      await assert.rejects(service.get(ACME, 'bob'), (error: unknown) => error instanceof NotFoundError && error.message === 'bob holds no permission on organization acme');
      await assert.rejects(service.remove(APP, 'alice', bed.causation), refusedWith(DomainErrorCode.PermissionNotFound));
    });
  });

  describe('a mirror\'s robot and removal', () => {
    it('ensureAtLeast leaves a higher role as it is, and raises a lower one', async () => {
      await service.set(APP, 'bob', { role: 'write' }, bed.causation);
      await service.ensureAtLeast(APP, user('bob'), 'read', bed.causation);
      assert.equal((await service.get(APP, 'bob')).role, 'write');
      await service.ensureAtLeast(APP, user('bob'), 'admin', bed.causation);
      assert.equal((await service.get(APP, 'bob')).role, 'admin');
    });

    it('ensureAtLeast grants a principal that held nothing', async () => {
      await service.ensureAtLeast(ACME, user('bob'), 'read', bed.causation);
      assert.equal((await service.get(ACME, 'bob')).role, 'read');
    });

    it('removes one grant, leaving the principal\'s others', async () => {
      await service.remove(ACME, 'bob', bed.causation);
      await assert.rejects(service.get(ACME, 'bob'), NotFoundError);
      assert.equal((await service.get(APP, 'bob')).role, 'admin');
    });

    it('revokes every grant of a principal, wherever held, and no one else\'s', async () => {
      await service.set(ACME, 'carol', { role: 'read' }, bed.causation);
      assert.equal((await queries.grantsHeldBy(user('carol'))).length, 2);
      await service.revokeEverywhere(user('carol'), bed.causation);
      assert.deepEqual(await queries.grantsHeldBy(user('carol')), []);
      assert.equal((await service.get(APP, 'bob')).role, 'admin');
      // A principal holding nothing: nothing to do, and no error.
      await service.revokeEverywhere(user('dave'), bed.causation);
    });

    it('finds no grant left on a deleted repository, so there is nothing to revoke there', async () => {
      await service.set(APP, 'carol', { role: 'read' }, bed.causation);
      await bed.commands.run(AggregateKind.Repository, mirrorId('acme', 'app'), repositoryDecider, { kind: 'delete' }, bed.causation);
      assert.deepEqual(await queries.grantsHeldBy(user('carol')), []);
      assert.deepEqual(await queries.grantsOn(APP), []);
      await service.revokeEverywhere(user('carol'), bed.causation);
      assert.equal((await service.get(ACME, 'alice')).role, 'admin');
    });
  });
});
