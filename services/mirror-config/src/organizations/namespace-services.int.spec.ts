import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AggregateKind, DomainErrorCode } from '@ferry/contracts';
import { hashPassword, tokenHash, TokenKind, userDecider, type Caller } from '@ferry/identity';
import { createSecretBox } from '@ferry/secrets';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import { GrantLookup } from '../auth/grant-lookup';
import type { MirrorConfigServiceConfig } from '../config';
import { NotFoundError } from '../http/problem';
import { MirrorHealthQueries } from '../mirror-health/mirror-health-queries';
import { MirrorLookup } from '../mirror-lookup';
import { Namespaces } from '../namespaces';
import { OrgMirrorQueries } from '../org-mirror/org-mirror-queries';
import { PermissionQueries } from '../repositories/permission-queries';
import { PermissionService } from '../repositories/permission.service';
import { RepositoryQueries } from '../repositories/repository-queries';
import { RepositoryService } from '../repositories/repository.service';
import { RobotQueries } from '../robots/robot-queries';
import { RobotService } from '../robots/robot.service';
import { openServiceTestBed, refusedField, refusedWith, userCaller, type ServiceTestBed } from '../service-test-bed';
import { OrganizationQueries } from './organization-queries';
import { OrganizationService } from './organization.service';
import { TeamQueries } from '../teams/team-queries';
import { TeamService } from '../teams/team.service';

const SECRETS = createSecretBox(randomBytes(32));
const ALICE = userCaller('alice');
const BOB = userCaller('bob');

/** Organizations, their robots and repositories, through their services over a real log and read models. */
describe('the namespace services: organizations, robots and repositories', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let organizations: OrganizationService;
  let robots: RobotService;
  let robotQueries: RobotQueries;
  let repositories: RepositoryService;
  let permissionQueries: PermissionQueries;

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    const ds = bed.dataSource;
    const namespaces = new Namespaces(ds);
    permissionQueries = new PermissionQueries(ds);
    const permissions = new PermissionService(permissionQueries, bed.commands);
    const grants = new GrantLookup(ds);
    const orgMirrorQueries = new OrgMirrorQueries(ds);
    robotQueries = new RobotQueries(ds);
    const repositoryQueries = new RepositoryQueries(ds);
    const teams = new TeamService(new TeamQueries(ds), permissionQueries, grants, bed.commands);
    robots = new RobotService(robotQueries, namespaces, SECRETS, bed.commands, permissions, teams, { target: { registryUrl: 'http://127.0.0.1:5000' } } as MirrorConfigServiceConfig);
    repositories = new RepositoryService(repositoryQueries, new MirrorHealthQueries(ds), namespaces, new MirrorLookup(ds), bed.commands, permissions, permissionQueries, grants, orgMirrorQueries, new TeamQueries(ds));
    // No organization here has an organization mirror: its service is never reached.
    organizations = new OrganizationService(new OrganizationQueries(ds), namespaces, repositoryQueries, robotQueries, bed.commands, grants, repositories, robots, orgMirrorQueries, undefined as never, teams);
    for (const name of ['alice', 'bob']) {
      await bed.commands.run(AggregateKind.User, name, userDecider, { kind: 'create', username: name, email: null, password: await hashPassword('correct-horse-battery-1') }, bed.causation);
    }
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
  });

  describe('organizations', () => {
    it('creates one whose creator is its admin, who alone sees its e-mail address', async () => {
      const { view } = await organizations.create(ALICE, { name: 'acme', email: 'ops@acme.example' }, bed.causation);
      assert.equal(view, 'Created');
      const asAdmin = await organizations.get(ALICE, 'acme');
      assert.deepEqual({ email: asAdmin.email, admin: asAdmin.is_admin, member: asAdmin.is_member }, { email: 'ops@acme.example', admin: true, member: true });
      const asOther = await organizations.get(BOB, 'acme');
      assert.deepEqual({ email: asOther.email, admin: asOther.is_admin, member: asOther.is_member }, { email: '', admin: false, member: false });
    });

    it('refuses a user\'s name, a taken name, a bad name and an unknown one', async () => {
      await assert.rejects(organizations.create(ALICE, { name: 'bob' }, bed.causation), refusedField('name'));
      await assert.rejects(organizations.create(BOB, { name: 'acme' }, bed.causation), refusedWith(DomainErrorCode.OrganizationAlreadyExists));
      await assert.rejects(organizations.get(ALICE, 'Not An Org'), refusedField('orgname'));
      await assert.rejects(organizations.get(ALICE, 'nothing'), (error: unknown) => error instanceof NotFoundError && error.message === 'no organization nothing');
    });

    it('changes the contact address, keeping it when a body leaves it out', async () => {
      const { view } = await organizations.update(ALICE, 'acme', { contact_email: 'team@acme.example' }, bed.causation);
      assert.equal(view.email, 'team@acme.example');
      await organizations.update(ALICE, 'acme', { tag_expiration_s: 10 }, bed.causation);
      assert.equal((await organizations.get(ALICE, 'acme')).email, 'team@acme.example');
    });
  });

  describe('robots', () => {
    it('makes a robot whose token is shown, stored as its hash and shown again to a reader of the robot', async () => {
      const { view } = await robots.create('acme', 'bot', { description: 'pushes mirrors' }, bed.causation);
      assert.equal(view.name, 'acme+bot');
      assert.ok(view.token?.startsWith(TokenKind.Robot));
      assert.equal((await robotQueries.robot('acme+bot'))?.tokenHash, tokenHash(view.token!));
      const read = await robots.get('acme', 'bot', bed.causation);
      assert.equal(read.description, 'pushes mirrors');
      assert.equal(read.token, view.token);
    });

    it('lists a namespace\'s robots by name', async () => {
      await robots.create('acme', 'alpha', {}, bed.causation);
      assert.deepEqual((await robots.list('acme')).robots.map((r) => r.name), ['acme+alpha', 'acme+bot']);
      assert.deepEqual((await robots.list('alice')).robots, []);
    });

    it('refuses a robot in a namespace that does not exist, and bad names', async () => {
      await assert.rejects(robots.create('nowhere', 'bot', {}, bed.causation), (error: unknown) => error instanceof NotFoundError && /^no organization nowhere/.test(error.message));
      await assert.rejects(robots.list('nowhere'), NotFoundError);
      await assert.rejects(robots.create('acme', 'Bad Bot', {}, bed.causation), refusedField('robot_shortname'));
      await assert.rejects(robots.get('acme', 'ghost', bed.causation), (error: unknown) => error instanceof NotFoundError && error.message === 'no robot named acme+ghost');
    });

    it('regenerates the token: the new one\'s hash replaces the old one\'s', async () => {
      const before = (await robotQueries.robot('acme+bot'))!.tokenHash;
      const view = await robots.regenerate('acme', 'bot', bed.causation);
      assert.ok(view.token);
      const after = (await robotQueries.robot('acme+bot'))!.tokenHash;
      assert.notEqual(after, before);
      assert.equal(after, tokenHash(view.token!));
    });

    it('deletes a robot with every role it held', async () => {
      await repositories.create(ALICE, { namespace: 'acme', repository: 'scratch' }, bed.causation);
      await new PermissionService(permissionQueries, bed.commands).set({ namespace: 'acme', repository: 'scratch' }, 'acme+alpha', { role: 'write' }, bed.causation);
      await robots.delete('acme', 'alpha', bed.causation);
      assert.equal(await robotQueries.exists('acme+alpha'), false);
      assert.deepEqual(await permissionQueries.grantsHeldBy({ kind: 'robot', name: 'acme+alpha' }), []);
    });
  });

  describe('repositories', () => {
    it('creates a repository in an organization, private unless asked, which its admin may write and a stranger may not read', async () => {
      const { view } = await repositories.create(ALICE, { namespace: 'acme', repository: 'app', description: 'the app' }, bed.causation);
      assert.deepEqual(view, { namespace: 'acme', name: 'app', kind: 'image' });
      const asAdmin = await repositories.get(ALICE, { namespace: 'acme', repository: 'app' });
      assert.deepEqual(
        { public: asAdmin.is_public, state: asAdmin.state, write: asAdmin.can_write, admin: asAdmin.can_admin, description: asAdmin.description, org: asAdmin.is_organization },
        { public: false, state: 'NORMAL', write: true, admin: true, description: 'the app', org: true },
      );
      const asBob = await repositories.get(BOB, { namespace: 'acme', repository: 'app' });
      assert.deepEqual({ write: asBob.can_write, admin: asBob.can_admin }, { write: false, admin: false });
    });

    it('creates one in the caller\'s own namespace when none is named', async () => {
      await repositories.create(BOB, { repository: 'mine' }, bed.causation);
      assert.equal((await repositories.get(BOB, { namespace: 'bob', repository: 'mine' })).is_organization, false);
    });

    it('refuses a namespace that does not exist (naming the field) and a name taken', async () => {
      await assert.rejects(repositories.create(ALICE, { namespace: 'nowhere', repository: 'app' }, bed.causation), refusedField('namespace'));
      await assert.rejects(repositories.create(ALICE, { namespace: 'acme', repository: 'app' }, bed.causation), refusedWith(DomainErrorCode.RepositoryAlreadyExists));
    });

    it('lists to each caller the repositories it may read', async () => {
      const names = async (caller: Caller) => (await repositories.list(caller, undefined, null)).repositories.map((r) => `${r.namespace}/${r.name}`);
      assert.deepEqual(await names(ALICE), ['acme/app', 'acme/scratch']);
      assert.deepEqual(await names(BOB), ['bob/mine']);
      await repositories.changeVisibility({ namespace: 'acme', repository: 'app' }, { visibility: 'public' }, bed.causation);
      assert.deepEqual(await names(BOB), ['acme/app', 'bob/mine']);
      const [app] = (await repositories.list(BOB, 'acme', null)).repositories;
      assert.deepEqual({ public: app?.is_public, mirror: app?.mirror }, { public: true, mirror: null });
    });

    it('changes the description and the state, but never to ORG_MIRROR by hand', async () => {
      const path = { namespace: 'acme', repository: 'app' };
      await repositories.update(path, { description: 'changed' }, bed.causation);
      await repositories.changeState(path, { state: 'READ_ONLY' }, bed.causation);
      const read = await repositories.get(ALICE, path);
      assert.deepEqual({ description: read.description, state: read.state, write: read.can_write }, { description: 'changed', state: 'READ_ONLY', write: false });
      await assert.rejects(repositories.changeState(path, { state: 'ORG_MIRROR' }, bed.causation), refusedWith(DomainErrorCode.ManagedByOrgMirror));
      await assert.rejects(repositories.changeState({ namespace: 'acme', repository: 'ghost' }, { state: 'NORMAL' }, bed.causation), NotFoundError);
    });

    it('deletes a repository', async () => {
      await repositories.delete({ namespace: 'bob', repository: 'mine' }, bed.causation);
      await assert.rejects(repositories.find({ namespace: 'bob', repository: 'mine' }), (error: unknown) => error instanceof NotFoundError && error.message === 'no repository bob/mine');
    });
  });

  describe('deleting an organization', () => {
    it('deletes its repositories and robots first, then itself', async () => {
      await organizations.delete('acme', bed.causation);
      await assert.rejects(organizations.get(ALICE, 'acme'), NotFoundError);
      await assert.rejects(repositories.find({ namespace: 'acme', repository: 'app' }), NotFoundError);
      await assert.rejects(repositories.find({ namespace: 'acme', repository: 'scratch' }), NotFoundError);
      assert.deepEqual(await robotQueries.robotsIn('acme'), []);
      assert.equal((await repositories.list(ALICE, undefined, null)).repositories.length, 0);
    });
  });
});
