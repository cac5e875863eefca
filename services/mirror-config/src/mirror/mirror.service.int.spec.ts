import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AggregateKind, DomainErrorCode, mirrorId, RepositoryState } from '@ferry/contracts';
import { mintToken, organizationDecider, robotDecider, TokenKind } from '@ferry/identity';
import { mirrorDecider, orgMirrorDecider } from '@ferry/mirror';
import { createSecretBox } from '@ferry/secrets';
import { createTestDatabase, testEventLogNames, testOrgMirrorConfig, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
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
import { openServiceTestBed, refusedField, refusedWith, type ServiceTestBed } from '../service-test-bed';
import { MirrorService } from './mirror.service';
import { TeamQueries } from '../teams/team-queries';

const SECRETS = createSecretBox(randomBytes(32));
const APP = { namespace: 'acme', repository: 'app' };
/** Quay's required fields; the upstream is on this machine, which FERRY_SSRF_ALLOWED_HOSTS admits here. */
const BODY = {
  external_reference: '127.0.0.1:5000/team/app',
  robot_username: 'acme+mirror',
  root_rule: { rule_kind: 'tag_glob_csv', rule_value: ['v*'] },
  sync_start_date: '2026-01-01T00:00:00Z',
  sync_interval: 3600,
};

/**
 * acme (with its robot acme+mirror) has no mirrors yet; managed has an organization mirror, which
 * keeps its repositories' mirrors to itself.
 */
describe('the mirror service over the event log and the read models', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let mirrors: MirrorService;
  let lookup: MirrorLookup;
  let repositoryQueries: RepositoryQueries;
  let permissionQueries: PermissionQueries;

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    const ds = bed.dataSource;
    const config = { ssrfAllowedHosts: ['127.0.0.1'] } as unknown as MirrorConfigServiceConfig;
    const namespaces = new Namespaces(ds);
    lookup = new MirrorLookup(ds);
    repositoryQueries = new RepositoryQueries(ds);
    permissionQueries = new PermissionQueries(ds);
    const permissions = new PermissionService(permissionQueries, bed.commands);
    const orgMirrors = new OrgMirrorQueries(ds);
    const repositories = new RepositoryService(repositoryQueries, new MirrorHealthQueries(ds), namespaces, lookup, bed.commands, permissions, permissionQueries, new GrantLookup(ds), orgMirrors, new TeamQueries(ds));
    mirrors = new MirrorService(lookup, namespaces, SECRETS, config, bed.commands, repositories, new RobotQueries(ds), orgMirrors);

    for (const name of ['acme', 'managed']) {
      await bed.commands.run(AggregateKind.Organization, name, organizationDecider, { kind: 'create', name, email: null, creator: null }, bed.causation);
      const minted = mintToken(TokenKind.Robot);
      await bed.commands.run(AggregateKind.Robot, `${name}+mirror`, robotDecider, { kind: 'create', namespace: name, name: 'mirror', description: '', token: SECRETS.seal(minted.token), tokenHash: minted.hash }, bed.causation);
    }
    await bed.commands.run(AggregateKind.OrgMirror, 'managed', orgMirrorDecider, { kind: 'create', config: testOrgMirrorConfig({ organization: 'managed', robotUsername: 'managed+mirror' }) }, bed.causation);
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
  });

  describe('creating', () => {
    it('creates the mirror, its repository in state MIRROR, and gives its robot write there', async () => {
      const { row, ignored } = await mirrors.create(APP, BODY, bed.causation);
      assert.deepEqual(ignored, []);
      assert.deepEqual(
        { id: row.mirrorId, upstream: row.externalReference, robot: row.robotUsername, interval: row.syncInterval, password: row.hasPassword },
        { id: 'acme/app', upstream: '127.0.0.1:5000/team/app', robot: 'acme+mirror', interval: 3600, password: false },
      );
      assert.equal((await repositoryQueries.repository('acme', 'app'))?.state, RepositoryState.Mirror);
      assert.equal((await permissionQueries.grantOf(APP, { kind: 'robot', name: 'acme+mirror' }))?.role, 'write');
      assert.equal((await lookup.find(APP)).mirrorId, 'acme/app');
    });

    it('refuses a second mirror of the same repository', async () => {
      await assert.rejects(mirrors.create(APP, BODY, bed.causation), refusedWith(DomainErrorCode.MirrorAlreadyExists));
    });

    it('refuses a robot that does not exist, naming the field, and touches nothing', async () => {
      const target = { namespace: 'acme', repository: 'ghostly' };
      await assert.rejects(mirrors.create(target, { ...BODY, robot_username: 'acme+ghost' }, bed.causation), refusedField('robot_username', /names no robot; create acme\+ghost first/));
      assert.equal(await repositoryQueries.repository('acme', 'ghostly'), null);
      assert.equal(await lookup.exists(mirrorId('acme', 'ghostly')), false);
    });

    it('refuses an upstream on an internal address the allowed hosts do not name', async () => {
      await assert.rejects(
        mirrors.create({ namespace: 'acme', repository: 'internal' }, { ...BODY, external_reference: '10.1.2.3/team/app' }, bed.causation),
        refusedField('external_reference', /not in the allowed hosts/),
      );
    });

    it('refuses a namespace that does not exist, a bad name and a body without its required fields', async () => {
      await assert.rejects(mirrors.create({ namespace: 'nowhere', repository: 'app' }, { ...BODY, robot_username: 'nowhere+mirror' }, bed.causation), (error: unknown) => error instanceof NotFoundError && /^no organization nowhere/.test(error.message));
      await assert.rejects(mirrors.create({ namespace: 'Acme', repository: 'app' }, BODY, bed.causation), refusedField('namespace'));
      await assert.rejects(mirrors.create({ namespace: 'acme', repository: 'empty' }, {}, bed.causation), refusedField('external_reference'));
    });

    it('keeps an organization mirror\'s repositories to it', async () => {
      await assert.rejects(mirrors.create({ namespace: 'managed', repository: 'app' }, { ...BODY, robot_username: 'managed+mirror' }, bed.causation), refusedWith(DomainErrorCode.ManagedByOrgMirror));
      assert.equal(await repositoryQueries.repository('managed', 'app'), null);
    });
  });

  describe('changing', () => {
    it('changes only the fields a body names, and seals a password', async () => {
      const { row } = await mirrors.update(APP, { sync_interval: 7200, external_registry_username: 'puller', external_registry_password: 'upstream-secret' }, bed.causation);
      assert.deepEqual(
        { interval: row.syncInterval, upstream: row.externalReference, username: row.externalRegistryUsername, password: row.hasPassword },
        { interval: 7200, upstream: '127.0.0.1:5000/team/app', username: 'puller', password: true },
      );
      const sealed = row.state.config?.externalRegistryPassword;
      assert.ok(sealed);
      assert.ok(!JSON.stringify(sealed).includes('upstream-secret'), 'stored sealed');
      assert.equal(SECRETS.open(sealed), 'upstream-secret');
    });

    it('appends nothing for a PUT that changes nothing (the same password included) and answers as before', async () => {
      const before = await bed.store.headPosition();
      const sealed = (await lookup.row(mirrorId('acme', 'app')))?.state.config?.externalRegistryPassword;
      const { row } = await mirrors.update(APP, { sync_interval: 7200, external_registry_username: 'puller', external_registry_password: 'upstream-secret', root_rule: BODY.root_rule }, bed.causation);
      assert.equal(await bed.store.headPosition(), before, 'no event appended');
      assert.deepEqual({ interval: row.syncInterval, username: row.externalRegistryUsername, password: row.hasPassword }, { interval: 7200, username: 'puller', password: true });
      assert.deepEqual(row.state.config?.externalRegistryPassword, sealed);
      await mirrors.update(APP, { external_registry_password: 'another-secret' }, bed.causation);
      assert.ok((await bed.store.headPosition()) > before, 'a new password is a change');
      await mirrors.update(APP, { external_registry_password: 'upstream-secret' }, bed.causation);
    });

    it('answers a preview\'s settings without storing them', async () => {
      const unchanged = await mirrors.settingsWith(APP, undefined);
      assert.equal(unchanged.config.syncInterval, 7200);
      const changed = await mirrors.settingsWith(APP, { sync_interval: 600 });
      assert.equal(changed.config.syncInterval, 600);
      assert.equal((await lookup.find(APP)).syncInterval, 7200);
    });

    it('answers 404 for a mirror that does not exist, and checks a changed robot', async () => {
      await assert.rejects(mirrors.update({ namespace: 'acme', repository: 'none' }, { sync_interval: 600 }, bed.causation), (error: unknown) => error instanceof NotFoundError && error.message === 'no mirror is configured for acme/none');
      await assert.rejects(mirrors.update(APP, { robot_username: 'acme+ghost' }, bed.causation), refusedField('robot_username'));
      assert.equal((await lookup.find(APP)).robotUsername, 'acme+mirror');
    });
  });

  describe('sync now, cancel and delete', () => {
    it('requests a sync, which a cancel withdraws; then there is nothing to cancel', async () => {
      assert.equal((await mirrors.syncNow(APP, bed.causation)).syncStatus, 'SYNC_NOW');
      assert.notEqual((await mirrors.cancel(APP, bed.causation)).syncStatus, 'SYNC_NOW');
      await assert.rejects(mirrors.cancel(APP, bed.causation), refusedWith(DomainErrorCode.NothingToCancel));
    });

    it('refuses a sync of a mirror that does not exist', async () => {
      await assert.rejects(mirrors.syncNow({ namespace: 'acme', repository: 'none' }, bed.causation), refusedWith(DomainErrorCode.MirrorNotFound));
    });

    it('deletes the mirror and leaves its repository', async () => {
      await mirrors.delete(APP, bed.causation);
      assert.equal(await lookup.exists('acme/app'), false);
      await assert.rejects(lookup.find(APP), NotFoundError);
      assert.ok(await repositoryQueries.repository('acme', 'app'));
    });
  });
});
