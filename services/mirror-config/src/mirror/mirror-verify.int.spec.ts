import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AggregateKind, mirrorId } from '@ferry/contracts';
import { mintToken, organizationDecider, robotDecider, TokenKind } from '@ferry/identity';
import { mirrorDecider } from '@ferry/mirror';
import { createSecretBox } from '@ferry/secrets';
import { createTestDatabase, startRegistry, testEventLogNames, writeTagsDirectly, TEST_NATS_URL, type RunningRegistry, type TestDatabase } from '@ferry/testing';
import { GrantLookup } from '../auth/grant-lookup';
import type { MirrorConfigServiceConfig } from '../config';
import { PreviewFailedError } from '../http/problem';
import { MirrorHealthQueries } from '../mirror-health/mirror-health-queries';
import { MirrorLookup } from '../mirror-lookup';
import { Namespaces } from '../namespaces';
import { OrgMirrorQueries } from '../org-mirror/org-mirror-queries';
import { PermissionQueries } from '../repositories/permission-queries';
import { PermissionService } from '../repositories/permission.service';
import { RepositoryQueries } from '../repositories/repository-queries';
import { RepositoryService } from '../repositories/repository.service';
import { RobotQueries } from '../robots/robot-queries';
import { openServiceTestBed, refusedField, type ServiceTestBed } from '../service-test-bed';
import { TeamQueries } from '../teams/team-queries';
import { MirrorPreviewService } from './mirror-preview';
import { MirrorService } from './mirror.service';

const SECRETS = createSecretBox(randomBytes(32));
const APP = { namespace: 'acme', repository: 'app' };
const CREDENTIALS = { username: 'puller', password: 'right-password' };
const DIGEST = `sha256:${'a'.repeat(64)}`;

/**
 * "Test connection" for a repository that has no mirror yet: a create body against a real
 * docker-registry upstream with basic auth (team/app holds v1.0, v1.1, v2.0 and latest).
 */
describe('testing a new mirror\'s connection before it is saved', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let upstream: RunningRegistry;
  let previews: MirrorPreviewService;
  let lookup: MirrorLookup;
  const body = (overrides: Record<string, unknown> = {}) => ({
    external_reference: `${upstream.host}/team/app`,
    external_registry_username: CREDENTIALS.username,
    external_registry_password: CREDENTIALS.password,
    robot_username: 'acme+mirror',
    root_rule: { rule_kind: 'tag_glob_csv', rule_value: ['v1.*'] },
    sync_start_date: '2026-01-01T00:00:00Z',
    sync_interval: 3600,
    // The test registry speaks plain http.
    external_registry_config: { verify_tls: false },
    ...overrides,
  });

  before(async () => {
    upstream = await startRegistry({ htpasswd: CREDENTIALS });
    writeTagsDirectly(upstream, 'team/app', ['v1.0', 'v1.1', 'v2.0', 'latest'], DIGEST);
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    const ds = bed.dataSource;
    const config = { ssrfAllowedHosts: ['127.0.0.1'], target: { registryUrl: 'http://127.0.0.1:1', verifyTls: false } } as unknown as MirrorConfigServiceConfig;
    const namespaces = new Namespaces(ds);
    lookup = new MirrorLookup(ds);
    const repositoryQueries = new RepositoryQueries(ds);
    const permissionQueries = new PermissionQueries(ds);
    const permissions = new PermissionService(permissionQueries, bed.commands);
    const orgMirrors = new OrgMirrorQueries(ds);
    const repositories = new RepositoryService(repositoryQueries, new MirrorHealthQueries(ds), namespaces, lookup, bed.commands, permissions, permissionQueries, new GrantLookup(ds), orgMirrors, new TeamQueries(ds));
    const mirrors = new MirrorService(lookup, namespaces, SECRETS, config, bed.commands, repositories, new RobotQueries(ds), orgMirrors);
    previews = new MirrorPreviewService(bed.store, SECRETS, config, mirrors);
    await bed.commands.run(AggregateKind.Organization, 'acme', organizationDecider, { kind: 'create', name: 'acme', email: null, creator: null }, bed.causation);
    const minted = mintToken(TokenKind.Robot);
    await bed.commands.run(AggregateKind.Robot, 'acme+mirror', robotDecider, { kind: 'create', namespace: 'acme', name: 'mirror', description: '', token: SECRETS.seal(minted.token), tokenHash: minted.hash }, bed.causation);
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
    await upstream?.stop();
  });

  /** Fails a check for PreviewFailedError with this code, about this field. */
  const failedWith = (code: string, field: string, message: RegExp) => (error: unknown) =>
    error instanceof PreviewFailedError && error.reason === code && error.field === field && message.test(error.message);

  it('with good credentials, lists the upstream\'s tags and says which the rule selects', async () => {
    const found = await previews.verify(APP, body());
    assert.deepEqual({ ...found, first_tags: [...found.first_tags].sort() }, {
      message: `Connected to ${upstream.host}/team/app: 4 tags, 2 selected by the rule`,
      tags_listed: 4,
      tags_selected: 2,
      first_tags: ['v1.0', 'v1.1'],
    });
  });

  it('names the password when the upstream refuses the credentials', async () => {
    await assert.rejects(previews.verify(APP, body({ external_registry_password: 'wrong' })), failedWith('UNAUTHORIZED', 'external_registry_password', /refused these credentials/));
  });

  it('names the address when the upstream has no such repository', async () => {
    await assert.rejects(previews.verify(APP, body({ external_reference: `${upstream.host}/team/nothing-here` })), failedWith('NAME_UNKNOWN', 'external_reference', /has no repository/));
  });

  it('refuses an internal address the allowed hosts do not list, before asking anything', async () => {
    await assert.rejects(previews.verify(APP, body({ external_reference: '169.254.169.254/team/app' })), refusedField('external_reference'));
  });

  it('validates the body as a create would', async () => {
    await assert.rejects(previews.verify(APP, { external_reference: `${upstream.host}/team/app` }), refusedField('robot_username'));
  });

  it('stored nothing: no mirror, no repository row, no event for the repository', async () => {
    const id = mirrorId(APP.namespace, APP.repository);
    assert.equal(await lookup.exists(id), false);
    const state = await bed.commands.state(AggregateKind.Mirror, id, mirrorDecider);
    assert.equal(state.config, null);
    const rows = await bed.dataSource.query('SELECT 1 FROM repositories WHERE namespace = $1 AND name = $2', [APP.namespace, APP.repository]);
    assert.equal(rows.length, 0);
  });
});
