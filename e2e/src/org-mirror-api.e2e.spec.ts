import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { aggregateSubject, AggregateKind, mirrorId, RepositoryState, serviceActor } from '@ferry/contracts';
import { EventStore, handleCommand, loadState } from '@ferry/event-store';
import { repositoryDecider, type RepositoryCommand } from '@ferry/identity';
import { childMirrorConfig, mirrorDecider, orgMirrorDecider, type ListedPage, type MirrorCommand, type OrgMirrorCommand } from '@ferry/mirror';
import { createTestDatabase, eventually, freePort, startRegistry, testEventLogNames, TEST_NATS_URL, type RunningRegistry, type TestDatabase } from '@ferry/testing';
import { apiClient, createOrganizationWithRobot, createUserWithToken, type Api } from './api-client';
import { destroyEventLog, readEventLog } from './event-log';
import { runCli, type CliResult } from './ferry-cli';
import { bootstrapAdminEnv, startMirrorConfig, stopProcess, testDeploymentEnv } from './ferry-processes';
import { ferryClient, grpcCall, type MirrorClient } from './grpc-client';

const PASSWORD = 'upstream-Pa55word-never-shown';
const STATUSES = ['CANCEL', 'FAIL', 'NEVER_RUN', 'SUCCESS', 'SYNCING', 'SYNC_NOW', 'SKIP'];
const none = Object.fromEntries(STATUSES.map((s) => [s, 0]));

/**
 * Quay's organization mirroring API against mirror-config alone, so nothing runs a discovery
 * behind the test's back: where a discovery's effects are needed, the test records them on the
 * event log as the sync-worker would (the `worker` stand-in below), through the same deciders.
 */
describe('the organization mirror API, as Quay answers it', () => {
  const names = testEventLogNames();
  const admin = bootstrapAdminEnv();
  const transcript: string[] = [];
  let db: TestDatabase;
  let registry: RunningRegistry;
  let service: { child: ChildProcess; output: () => string } | undefined;
  let apiUrl: string;
  let metricsUrl: string;
  let api: Api;
  let member: Api;
  let store: EventStore;
  let client: MirrorClient;
  let configDir: string;
  const cliRuns: CliResult[] = [];

  // ---- the sync-worker's part, recorded as it records it ------------------------------------------
  const causation = { correlationId: randomUUID(), causationId: 'e2e', actor: serviceActor('e2e-worker') };
  const orgCommand = (org: string, command: OrgMirrorCommand) => handleCommand(store, aggregateSubject(store.prefix, AggregateKind.OrgMirror, org), org, orgMirrorDecider, command, causation);
  const page = (cursor: string | null, listed: string[], added: string[]): ListedPage => ({
    cursor,
    listed: listed.length,
    matched: listed.map((n) => ({ repository: n, upstream: n })),
    added: added.map((n) => ({ repository: n, upstream: n })),
    failed: [],
  });
  /** A discovery scheduled and started; returns its fencing token. */
  async function startDiscovery(org: string, runId: string): Promise<number> {
    const token = (await orgCommand(org, { kind: 'schedule-discovery', runId, now: new Date(), leaseSeconds: 600 })).state.run?.fencingToken;
    assert.ok(token, 'the discovery is due');
    await orgCommand(org, { kind: 'start-discovery', runId, fencingToken: token, worker: 'e2e/1', now: new Date(), leaseSeconds: 600 });
    return token;
  }
  /** A child repository and its mirror, as a discovery sets them up. */
  async function setUpChild(org: string, name: string): Promise<void> {
    const config = (await loadState(store, aggregateSubject(store.prefix, AggregateKind.OrgMirror, org), orgMirrorDecider)).state.config!;
    const id = mirrorId(org, name);
    const repository: RepositoryCommand = { kind: 'create', namespace: org, repository: name, description: '', visibility: config.visibility, state: RepositoryState.OrgMirror };
    await handleCommand(store, aggregateSubject(store.prefix, AggregateKind.Repository, id), id, repositoryDecider, repository, causation);
    const mirror: MirrorCommand = { kind: 'create', mirrorId: id, config: childMirrorConfig(config, { repository: name, upstream: name, syncStartDate: new Date().toISOString() }), now: new Date() };
    await handleCommand(store, aggregateSubject(store.prefix, AggregateKind.Mirror, id), id, mirrorDecider, mirror, causation);
  }

  const ferry = async (args: string[], stdin?: string) => {
    const result = await runCli({ apiUrl, token: admin.FERRY_BOOTSTRAP_ADMIN_TOKEN, configDir }, args, stdin);
    cliRuns.push(result);
    return result;
  };
  const rpc = (method: string, request: object) => grpcCall(client, method, request, `Bearer ${admin.FERRY_BOOTSTRAP_ADMIN_TOKEN}`);
  const orgMirror = (org: string) => api('GET', `/organization/${org}/mirror`);
  const fields = (json: { errors?: { field: string }[] }) => (json.errors ?? []).map((e) => e.field);

  /** Quay's create body for `org`, its source this test's registry. */
  const quayBody = (org: string, over: Record<string, unknown> = {}) => ({
    external_registry_type: 'distribution',
    external_registry_url: registry.url,
    external_namespace: 'team',
    robot_username: `${org}+mirrorbot`,
    visibility: 'private',
    sync_interval: 3600,
    sync_start_date: '2026-01-01T00:00:00Z',
    ...over,
  });

  before(async () => {
    db = await createTestDatabase();
    registry = await startRegistry({ htpasswd: { username: 'puller', password: PASSWORD } });
    const [apiPort, grpcPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    metricsUrl = `http://127.0.0.1:${metricsPort}`;
    configDir = await mkdtemp(join(tmpdir(), 'ferry-org-mirror-cli-'));
    service = await startMirrorConfig({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: 'http://127.0.0.1:1' }),
      ...admin,
      FERRY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      FERRY_API_PORT: String(apiPort),
      FERRY_GRPC_PORT: String(grpcPort),
      FERRY_METRICS_PORT: String(metricsPort),
      FERRY_LOG_LEVEL: 'warn',
    });
    const target = () => ({ apiUrl, adminToken: admin.FERRY_BOOTSTRAP_ADMIN_TOKEN });
    api = apiClient(target, transcript);
    store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...names });
    client = ferryClient(`127.0.0.1:${grpcPort}`, 'OrgMirrorService');
    for (const org of ['acme', 'busy', 'grpcorg', 'cliorg']) await createOrganizationWithRobot(api, org, 'mirrorbot');
    assert.equal((await api('POST', '/repository', { namespace: 'busy', repository: 'already-here', visibility: 'private', description: '' })).status, 201);
    const memberToken = await createUserWithToken(api, apiUrl, 'member');
    assert.equal((await api('PUT', '/organization/acme/permissions/user/member', { role: 'read' })).status, 200);
    member = apiClient(target, transcript, () => memberToken);
  });

  after(async () => {
    client?.close();
    await store?.close();
    await stopProcess(service?.child);
    await registry?.stop();
    await destroyEventLog(names);
    await db?.drop();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it('refuses bad input with a 400 naming each field, Quay\'s words where Quay has them, and creates nothing', async () => {
    const bad = await api(
      'POST',
      '/organization/acme/mirror',
      quayBody('acme', {
        external_registry_type: 'gitlab',
        external_registry_url: 'ftp://registry.example',
        sync_interval: 30,
        skopeo_timeout: 5,
        sync_start_date: 'tomorrow',
        include: [{ kind: 'prefix', pattern: 'a' }],
        repository_filters: ['App*'],
        vanished: { action: 'archive' },
        repository_name_template: 'same-for-all',
      }),
    );
    assert.equal(bad.status, 400, JSON.stringify(bad.json));
    assert.match(bad.contentType ?? '', /^application\/problem\+json/);
    assert.deepEqual(fields(bad.json), [
      'external_registry_type',
      'external_registry_url',
      'sync_interval',
      'sync_start_date',
      'repository_filters[0]',
      'skopeo_timeout',
      'include[0].kind',
      'repository_name_template',
      'vanished.action',
    ]);
    assert.match(bad.json.detail, /sync_interval must be at least 60 seconds/);
    assert.match(bad.json.detail, /skopeo_timeout must be between 30 and 3600 seconds/);
    assert.match(bad.json.detail, /sync_start_date has an invalid format\. Use ISO 8601: YYYY-MM-DDTHH:MM:SSZ/);
    const wrongRobot = await api('POST', '/organization/acme/mirror', quayBody('acme', { robot_username: 'busy+mirrorbot' }));
    assert.deepEqual([wrongRobot.status, wrongRobot.json.errors], [400, [{ field: 'robot_username', message: 'Robot account must belong to the organization acme' }]]);
    const noRobot = await api('POST', '/organization/acme/mirror', quayBody('acme', { robot_username: 'acme+nobody' }));
    assert.match(noRobot.json.errors[0].message, /^Invalid robot account: acme\+nobody/);
    const internal = await api('POST', '/organization/acme/mirror', quayBody('acme', { external_registry_url: 'http://169.254.169.254' }));
    assert.equal(internal.status, 400);
    assert.deepEqual(fields(internal.json), ['external_registry_url']);
    assert.match(internal.json.errors[0].message, /^is not allowed: 169\.254\.169\.254 is a link-local address/);
    assert.equal((await api('POST', '/organization/acme/mirror', '{not json')).status, 400);
    assert.equal((await orgMirror('acme')).status, 404, 'nothing was created');
    assert.equal((await readEventLog(names)).filter((e) => e.type.startsWith('OrgMirror')).length, 0);
  });

  it('answers 404 for an organization without a mirror, and for one that does not exist', async () => {
    for (const [method, path] of [
      ['GET', '/organization/acme/mirror'],
      ['PUT', '/organization/acme/mirror'],
      ['DELETE', '/organization/acme/mirror'],
      ['POST', '/organization/acme/mirror/sync-now'],
      ['POST', '/organization/acme/mirror/sync-cancel'],
      ['POST', '/organization/acme/mirror/verify'],
      ['GET', '/organization/acme/mirror/repositories'],
    ] as const) {
      assert.equal((await api(method, path, method === 'PUT' ? { sync_interval: 60 } : undefined)).status, 404, `${method} ${path}`);
    }
    assert.equal((await api('GET', '/organization/no-such-org/mirror')).status, 404);
  });

  it('creates the organization mirror and shows it in Quay\'s shape, with Ferry\'s fields and no password', async () => {
    const created = await api(
      'POST',
      '/organization/acme/mirror',
      quayBody('acme', { external_registry_username: 'puller', tag_rule: { include: [{ kind: 'semver', range: '>=1.0' }] }, include: [{ kind: 'glob', pattern: 'app*' }], vanished: { action: 'delete', max_delete: '10%' } }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const got = await orgMirror('acme');
    assert.equal(got.status, 200);
    assert.deepEqual(got.json, created.json);
    const { creation_date, ...view } = got.json;
    assert.match(creation_date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.deepEqual(view, {
      is_enabled: true,
      external_registry_type: 'distribution',
      external_registry_url: registry.url,
      external_listing_url: null,
      external_namespace: 'team',
      external_registry_username: 'puller',
      has_external_registry_password: false,
      external_registry_config: { verify_tls: true, unsigned_images: false, proxy: { http_proxy: null, https_proxy: null, no_proxy: null } },
      repository_filters: [],
      robot_username: 'acme+mirrorbot',
      visibility: 'private',
      sync_interval: 3600,
      sync_start_date: '2026-01-01T00:00:00Z',
      sync_expiration_date: null,
      sync_status: 'NEVER_RUN',
      sync_retries_remaining: 3,
      repo_sync_status_counts: none,
      skopeo_timeout: 300,
      tag_rule: { include: [{ kind: 'semver', range: '>=1.0', include_prerelease: false }], exclude: [], keep_newest: null },
      architecture_filter: [],
      include: [{ kind: 'glob', pattern: 'app*' }],
      exclude: [],
      repository_name_template: '{namespace}/{flat_repository}',
      vanished: { action: 'delete', max_delete: '10%' },
      current_discovery_id: null,
      last_discovery: null,
      signature_policy: 'accept',
      trust_policy: null,
    });
  });

  it('keeps one configuration per organization, and refuses an organization that already holds repositories (Quay\'s 400s)', async () => {
    const again = await api('POST', '/organization/acme/mirror', quayBody('acme'));
    assert.deepEqual([again.status, again.json.code, again.json.detail], [400, 'ORG_MIRROR_ALREADY_EXISTS', 'Mirror configuration already exists for this organization']);
    const busy = await api('POST', '/organization/busy/mirror', quayBody('busy'));
    assert.deepEqual(
      [busy.status, busy.json.code, busy.json.detail],
      [400, 'ORGANIZATION_NOT_EMPTY', 'Cannot create organization mirror: the organization already contains repositories. Organization mirroring requires an empty organization.'],
    );
    assert.equal((await orgMirror('busy')).status, 404);
  });

  it('refuses a member who is not the organization\'s admin with 403, changing nothing', async () => {
    const before = await orgMirror('acme');
    for (const [method, path, body] of [
      ['GET', '/organization/acme/mirror', undefined],
      ['PUT', '/organization/acme/mirror', { sync_interval: 60 }],
      ['DELETE', '/organization/acme/mirror', undefined],
      ['POST', '/organization/acme/mirror/sync-now', undefined],
      ['GET', '/organization/acme/mirror/repositories', undefined],
    ] as const) {
      const res = await member(method, path, body);
      assert.deepEqual([res.status, res.json.code], [403, 'FORBIDDEN'], `${method} ${path}`);
    }
    assert.deepEqual((await orgMirror('acme')).json, before.json);
  });

  it('verifies the connection and the credentials by listing the upstream, writing nothing', async () => {
    const events = (await readEventLog(names)).length;
    const refused = await api('POST', '/organization/acme/mirror/verify');
    assert.deepEqual([refused.status, refused.json], [200, { success: false, message: 'Authentication failed', code: 'UNAUTHORIZED' }]);
    const changed = await api('PUT', '/organization/acme/mirror', { external_registry_password: PASSWORD });
    assert.equal(changed.status, 200, JSON.stringify(changed.json));
    assert.equal(changed.json.has_external_registry_password, true);
    const verified = await api('POST', '/organization/acme/mirror/verify');
    assert.deepEqual(verified.json, { success: true, message: 'Connection successful', code: null });
    assert.equal((await readEventLog(names)).length, events + 1, 'only the PUT appended');
  });

  it('changes only what a PUT sends; a bad PUT changes nothing', async () => {
    const before = (await orgMirror('acme')).json;
    const put = await api('PUT', '/organization/acme/mirror', { sync_interval: 7200, repository_filters: ['app*'], architecture_filter: ['amd64'], colour: 'blue' });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json, { ...before, sync_interval: 7200, repository_filters: ['app*'], architecture_filter: ['amd64'], sync_start_date: put.json.sync_start_date });
    const bad = await api('PUT', '/organization/acme/mirror', { external_registry_type: 'quay', sync_interval: 59, vanished: { action: 'delete', max_delete: '200%' } });
    assert.deepEqual([bad.status, fields(bad.json)], [400, ['external_registry_type', 'sync_interval', 'vanished.max_delete']]);
    assert.deepEqual((await orgMirror('acme')).json, put.json);
  });

  it('answers sync-now and sync-cancel as Quay does', async () => {
    const status = async () => (await orgMirror('acme')).json.sync_status;
    assert.equal((await api('POST', '/organization/acme/mirror/sync-now')).status, 204);
    assert.equal(await status(), 'SYNC_NOW');
    assert.equal((await api('POST', '/organization/acme/mirror/sync-now')).status, 204, 'asked twice');
    assert.equal((await api('POST', '/organization/acme/mirror/sync-cancel')).status, 204);
    assert.equal(await status(), 'CANCEL');
    const twice = await api('POST', '/organization/acme/mirror/sync-cancel');
    assert.deepEqual([twice.status, twice.json.code, twice.json.detail], [400, 'ALREADY_CANCELLED', 'Cannot cancel: mirror is already cancelled']);
    // A discovery runs: sync-now is refused, cancel is taken.
    assert.equal((await api('POST', '/organization/acme/mirror/sync-now')).status, 204);
    await startDiscovery('acme', 'd-cancelled');
    await eventually(async () => ((await status()) === 'SYNCING' ? true : undefined), 10_000, 'the discovery to show');
    const busy = await api('POST', '/organization/acme/mirror/sync-now');
    assert.deepEqual([busy.status, busy.json.code, busy.json.detail], [400, 'DISCOVERY_IN_PROGRESS', 'Cannot trigger sync: discovery is currently in progress.']);
    assert.equal((await api('POST', '/organization/acme/mirror/sync-cancel')).status, 204);
    assert.equal(await status(), 'CANCEL');
    const cancelled = (await readEventLog(names)).filter((e) => e.type === 'OrgDiscoveryCancelRequested').map((e) => (e.data as { runId: string | null }).runId);
    assert.deepEqual(cancelled, ['d-cancelled']);
  });

  it('lists the discovered repositories with Quay\'s fields, paging and statuses, SKIP for one gone upstream', async () => {
    // The cancelled discovery ends; a new one finds app1..app3, the next no longer app3.
    const state = await loadState(store, aggregateSubject(store.prefix, AggregateKind.OrgMirror, 'acme'), orgMirrorDecider);
    await orgCommand('acme', { kind: 'complete-discovery', runId: 'd-cancelled', fencingToken: state.state.run!.fencingToken, outcome: 'cancelled', now: new Date(), jitter: 0 });
    assert.equal((await api('POST', '/organization/acme/mirror/sync-now')).status, 204);
    let token = await startDiscovery('acme', 'd1');
    await orgCommand('acme', { kind: 'record-page', runId: 'd1', fencingToken: token, page: page('p2', ['app1', 'app2'], ['app1', 'app2']), now: new Date(), leaseSeconds: 600 });
    await orgCommand('acme', { kind: 'record-page', runId: 'd1', fencingToken: token, page: page(null, ['app3'], ['app3']), now: new Date(), leaseSeconds: 600 });
    await setUpChild('acme', 'app1');
    await orgCommand('acme', { kind: 'complete-discovery', runId: 'd1', fencingToken: token, outcome: 'succeeded', now: new Date(), jitter: 0 });
    assert.equal((await api('POST', '/organization/acme/mirror/sync-now')).status, 204);
    token = await startDiscovery('acme', 'd2');
    await orgCommand('acme', { kind: 'record-page', runId: 'd2', fencingToken: token, page: page(null, ['app1', 'app2'], []), now: new Date(), leaseSeconds: 600 });
    await orgCommand('acme', { kind: 'complete-discovery', runId: 'd2', fencingToken: token, outcome: 'succeeded', now: new Date(), jitter: 0 });

    const got = await eventually(async () => {
      const res = await orgMirror('acme');
      return res.json.last_discovery?.discovery_id === 'd2' ? res.json : undefined;
    }, 10_000, 'the second discovery to show');
    assert.deepEqual(got.repo_sync_status_counts, { ...none, NEVER_RUN: 2, SKIP: 1 });
    assert.equal(got.sync_status, 'SUCCESS');
    assert.deepEqual({ listed: got.last_discovery.listed, vanished: got.last_discovery.vanished, outcome: got.last_discovery.outcome }, { listed: 2, vanished: 1, outcome: 'succeeded' });

    const first = await api('GET', '/organization/acme/mirror/repositories?limit=2');
    assert.equal(first.status, 200);
    assert.deepEqual({ page: first.json.page, limit: first.json.limit, total: first.json.total, has_next: first.json.has_next }, { page: 1, limit: 2, total: 3, has_next: true });
    const [app1, app2] = first.json.repositories;
    assert.deepEqual({ ...app1, discovery_date: null }, { name: 'app1', sync_status: 'NEVER_RUN', discovery_date: null, last_sync_date: null, status_message: null, quay_repository: 'acme/app1', upstream_repository: 'app1', vanished_date: null });
    assert.match(app1.discovery_date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal(app2.quay_repository, null, 'no repository set up for it yet');
    const second = await api('GET', '/organization/acme/mirror/repositories?page=2&limit=2');
    assert.deepEqual(second.json.repositories.map((r: { name: string; sync_status: string; status_message: string }) => [r.name, r.sync_status, r.status_message]), [['app3', 'SKIP', 'no longer listed upstream']]);
    assert.equal(second.json.has_next, false);
    const skipped = await api('GET', '/organization/acme/mirror/repositories?status=skip');
    assert.deepEqual([skipped.json.total, skipped.json.repositories[0].name], [1, 'app3']);
    assert.equal((await api('GET', '/organization/acme/mirror/repositories?limit=5000')).json.limit, 500, 'Quay\'s cap');
    const bad = await api('GET', '/organization/acme/mirror/repositories?status=bogus&page=x');
    assert.equal(bad.status, 400);
    assert.deepEqual(fields(bad.json).sort(), ['page', 'status']);
    assert.match(bad.json.errors.find((e: { field: string }) => e.field === 'status').message, /^Invalid status filter 'BOGUS'\. Valid values: CANCEL, FAIL, NEVER_RUN, SUCCESS, SYNCING, SYNC_NOW, SKIP$/);
  });

  it('leaves a discovered repository\'s mirror, state and siblings to its organization mirror (Quay\'s 400s), and shows whose it is', async () => {
    const child = await api('GET', '/repository/acme/app1/mirror');
    assert.equal(child.status, 200);
    assert.deepEqual(child.json.org_mirror, { organization: 'acme', upstream_repository: 'app1' });
    assert.equal(child.json.robot_username, 'acme+mirrorbot');
    const managed = 'Repository mirror configuration cannot be managed when organization-level mirroring is configured';
    const put = await api('PUT', '/repository/acme/app1/mirror', { sync_interval: 60 });
    assert.equal(put.status, 400);
    assert.equal(put.json.code, 'MANAGED_BY_ORG_MIRROR');
    assert.ok(put.json.detail.startsWith(managed), put.json.detail);
    assert.equal((await api('DELETE', '/repository/acme/app1/mirror')).status, 400);
    const toNormal = await api('PUT', '/repository/acme/app1/changestate', { state: 'NORMAL' });
    assert.deepEqual([toNormal.status, toNormal.json.detail], [400, 'Repository state changes are not allowed in an organization managed by organization-level mirroring']);
    const toOrgMirror = await api('PUT', '/repository/acme/app1/changestate', { state: 'ORG_MIRROR' });
    assert.deepEqual([toOrgMirror.status, toOrgMirror.json.detail], [400, 'ORG_MIRROR state is managed by organization-level mirroring']);
    const sibling = await api('POST', '/repository', { namespace: 'acme', repository: 'by-hand', visibility: 'private', description: '' });
    assert.deepEqual([sibling.status, sibling.json.detail], [400, 'Cannot create repository: organization is managed by organization-level mirroring']);
    assert.equal((await api('GET', '/repository/acme/app1')).json.state, 'ORG_MIRROR');
    assert.equal((await api('GET', '/repository/acme/app1/mirror')).json.sync_interval, child.json.sync_interval, 'unchanged');
  });

  it('tells each of its events in one sentence in its usage log, newest first', async () => {
    const logs = await api('GET', '/organization/acme/mirror/logs?limit=500');
    assert.equal(logs.status, 200);
    const entries = logs.json.logs as { kind: string; description: string; performer: { name: string } | null; metadata: unknown }[];
    assert.ok(entries.length >= 10);
    assert.ok(entries.every((e) => e.kind.startsWith('Org') && /^[A-Z].*\.$/.test(e.description)), JSON.stringify(entries.slice(0, 3)));
    assert.equal(entries[0]!.kind, 'OrgDiscoveryCompleted');
    assert.match(entries[0]!.description, /^Discovery d2 succeeded: it listed 2 repositories on 1 page, selected 2, added 0, 1 vanished upstream\.$/);
    const created = entries.at(-1)!;
    assert.equal(created.kind, 'OrgMirrorCreated');
    assert.equal(created.performer?.name, 'admin');
    assert.match(created.description, /^The organization mirror of acme was created: repositories of team on http:\/\/127\.0\.0\.1:\d+ \(distribution\) are mirrored every 3600 s by acme\+mirrorbot\.$/);
  });

  it('shows per organization mirror gauges of discovered, syncing and failing repositories', async () => {
    const text = await (await fetch(`${metricsUrl}/metrics`)).text();
    assert.match(text, /^ferry_org_mirror_repositories_discovered\{organization="acme"\} 3$/m);
    assert.match(text, /^ferry_org_mirror_repositories_syncing\{organization="acme"\} 0$/m);
    assert.match(text, /^ferry_org_mirror_repositories_failing\{organization="acme"\} 0$/m);
  });

  it('serves the same operations over gRPC (ferry.v1.OrgMirrorService), with the same input schema and errors', async () => {
    const settings = { ...quayBody('grpcorg'), sync_interval: 3600, external_registry_username: 'puller', external_registry_password: PASSWORD, include: [{ kind: 'regex', pattern: 'app.*' }], vanished: { action: 'delete', max_delete: '5' } };
    const created = await rpc('CreateOrgMirror', { namespace: 'grpcorg', org_mirror: settings });
    assert.ok(created.ok, created.ok ? '' : created.error.details);
    assert.deepEqual([created.response.namespace, created.response.has_external_registry_password, created.response.vanished], ['grpcorg', true, { action: 'delete', max_delete: '5' }]);
    assert.equal(created.response.repo_sync_status_counts.NEVER_RUN, 0);
    const again = await rpc('CreateOrgMirror', { namespace: 'grpcorg', org_mirror: settings });
    assert.equal(!again.ok && again.error.code, grpc.status.ALREADY_EXISTS);
    const busy = await rpc('CreateOrgMirror', { namespace: 'busy', org_mirror: { ...settings, robot_username: 'busy+mirrorbot' } });
    assert.equal(!busy.ok && busy.error.code, grpc.status.FAILED_PRECONDITION);
    const masked = await rpc('UpdateOrgMirror', { namespace: 'grpcorg', org_mirror: { sync_interval: 600, is_enabled: false }, update_mask: { paths: ['sync_interval'] } });
    assert.ok(masked.ok);
    assert.deepEqual([masked.response.sync_interval, masked.response.is_enabled], [600, true]);
    const invalid = await rpc('UpdateOrgMirror', { namespace: 'grpcorg', org_mirror: { sync_interval: 1, external_registry_type: 'quay' } });
    assert.equal(!invalid.ok && invalid.error.code, grpc.status.INVALID_ARGUMENT);
    assert.match(!invalid.ok ? invalid.error.details : '', /external_registry_type .*; sync_interval must be at least 60 seconds/);
    const verified = await rpc('VerifyOrgMirror', { namespace: 'grpcorg' });
    assert.deepEqual(verified.ok && verified.response, { success: true, message: 'Connection successful' }, 'no code when it succeeded');
    const listed = await rpc('ListOrgMirrorRepositories', { namespace: 'grpcorg', limit: 10 });
    assert.deepEqual(listed.ok && { total: listed.response.total, limit: listed.response.limit }, { total: 0, limit: 10 });
    const cancelled = await rpc('CancelOrgMirrorSync', { namespace: 'grpcorg' });
    assert.equal(cancelled.ok && cancelled.response.sync_status, 'CANCEL');
    const twice = await rpc('CancelOrgMirrorSync', { namespace: 'grpcorg' });
    assert.equal(!twice.ok && twice.error.code, grpc.status.FAILED_PRECONDITION);
    assert.equal((await rpc('DeleteOrgMirror', { namespace: 'grpcorg' })).ok, true);
    const gone = await rpc('GetOrgMirror', { namespace: 'grpcorg' });
    assert.equal(!gone.ok && gone.error.code, grpc.status.NOT_FOUND);
  });

  it('drives every verb from the ferry CLI, the password from stdin and never shown', async () => {
    const bad = await ferry(['org-mirror', 'create', 'cliorg', '--type', 'distribution', '--url', registry.url, '--namespace', 'team', '--robot', 'cliorg+mirrorbot', '--interval', '30', '--vanished', 'sometimes']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /sync_interval: must be at least 60 seconds/);
    assert.match(bad.stderr, /vanished\.action: must be one of keep, report, delete/);
    const created = await ferry(
      ['org-mirror', 'create', 'cliorg', '--type', 'distribution', '--url', registry.url, '--namespace', 'team', '--robot', 'cliorg+mirrorbot', '--username', 'puller', '--password-stdin', '--include-repo', 'app*', '--tags', 'v*', '--vanished', 'report'],
      `${PASSWORD}\n`,
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^created cliorg \(organization mirror\)/);
    assert.match(created.stdout, /source\s+distribution http:\/\/127\.0\.0\.1:\d+ team/);
    const got = await ferry(['org-mirror', 'get', 'cliorg', '--json']);
    assert.equal(JSON.parse(got.stdout).include[0].pattern, 'app*');
    const verified = await ferry(['org-mirror', 'verify', 'cliorg']);
    assert.deepEqual([verified.code, verified.stdout], [0, 'cliorg: connection successful\n']);
    const updated = await ferry(['org-mirror', 'update', 'cliorg', '--interval', '7200']);
    assert.match(updated.stdout, /interval\s+7200 s/);
    assert.match((await ferry(['org-mirror', 'sync-now', 'cliorg'])).stdout, /status SYNC_NOW/);
    assert.match((await ferry(['org-mirror', 'cancel', 'cliorg'])).stdout, /status CANCEL/);
    const again = await ferry(['org-mirror', 'cancel', 'cliorg']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /Cannot cancel: mirror is already cancelled \(ALREADY_CANCELLED, HTTP 400\)/);
    assert.equal((await ferry(['org-mirror', 'repositories', 'cliorg'])).stdout, 'no repositories discovered\n');
    const listed = await ferry(['org-mirror', 'repositories', 'acme', '--limit', '2']);
    assert.match(listed.stdout, /^NAME\s+STATUS\s+UPSTREAM/);
    assert.match(listed.stdout, /\(page 1 of 2, 3 in all: --page 2 for more\)/);
    const deleted = await ferry(['org-mirror', 'delete', 'cliorg', '--delete-repositories']);
    assert.deepEqual([deleted.code, deleted.stdout], [0, 'deleted the organization mirror of cliorg, with its repositories and their images\n']);
    const event = (await readEventLog(names)).filter((e) => e.type === 'OrgMirrorDeleted').at(-1)!;
    assert.deepEqual(event.data, { organization: 'cliorg', deleteRepositories: true });
    for (const run of cliRuns) assert.ok(!`${run.stdout}${run.stderr}`.includes(PASSWORD));
  });

  it('deletes the organization mirror; its repositories stay unless asked', async () => {
    const bad = await api('DELETE', '/organization/acme/mirror?delete_repositories=maybe');
    assert.deepEqual([bad.status, fields(bad.json)], [400, ['delete_repositories']]);
    assert.equal((await orgMirror('acme')).status, 200, 'still there');
    assert.equal((await api('DELETE', '/organization/acme/mirror')).status, 204);
    assert.equal((await orgMirror('acme')).status, 404);
    assert.equal((await api('DELETE', '/organization/acme/mirror')).status, 404);
    const event = (await readEventLog(names)).filter((e) => e.type === 'OrgMirrorDeleted').at(-1)!;
    assert.deepEqual(event.data, { organization: 'acme', deleteRepositories: false });
    assert.equal((await api('GET', '/repository/acme/app1')).status, 200, 'the repository stays');
  });

  it('goes with its organization: deleting the organization deletes its organization mirror first', async () => {
    await createOrganizationWithRobot(api, 'gone', 'mirrorbot');
    assert.equal((await api('POST', '/organization/gone/mirror', quayBody('gone'))).status, 201);
    assert.equal((await api('DELETE', '/organization/gone')).status, 204);
    const events = await readEventLog(names);
    const deleted = events.findIndex((e) => e.type === 'OrgMirrorDeleted' && (e.data as { organization: string }).organization === 'gone');
    const orgDeleted = events.findIndex((e) => e.type === 'OrganizationDeleted' && (e.data as { name: string }).name === 'gone');
    assert.ok(deleted >= 0 && deleted < orgDeleted, 'the organization mirror, then the organization');
    assert.equal((await api('GET', '/organization/gone/mirror')).status, 404);
  });

  it('never shows the upstream password in any answer', () => {
    assert.ok(transcript.length > 40);
    for (const text of transcript) assert.ok(!text.includes(PASSWORD));
  });
});
