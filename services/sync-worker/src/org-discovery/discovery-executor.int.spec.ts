import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  aggregateSubject,
  AggregateKind,
  globTagRule,
  mirrorId,
  RepositoryState,
  serviceActor,
  type OrgDiscoveryCompleted,
  type OrgMirrorConfig,
  type StoredEvent,
} from '@ferry/contracts';
import { EventStore, handleCommand, loadState } from '@ferry/event-store';
import { organizationDecider, repositoryDecider, robotDecider } from '@ferry/identity';
import { mirrorDecider, orgMirrorDecider, type OrgMirrorCommand } from '@ferry/mirror';
import { createSecretBox } from '@ferry/secrets';
import {
  deleteManifest,
  listTags,
  manifestDigest,
  pushImage,
  startRegistry,
  startShapingProxy,
  testEventLogNames,
  TEST_NATS_URL,
  type RunningRegistry,
  type ShapingProxy,
} from '@ferry/testing';
import { ChildRepositories } from './child-repositories';
import { DiscoveryExecutor, type DiscoverySettings, type ScheduledDiscovery } from './discovery-executor';
import { letGoOfRepositories, rollOutSettings } from './org-mirror-changes';
import { upstreamListers } from './page-lister';
import { imagesDeleter } from './target-images';

const APPS = Array.from({ length: 6 }, (_, i) => `app-${i}`);
const causation = { correlationId: 'test', causationId: 'test', actor: serviceActor('test') };
const image = { mediaType: 'oci' as const, layers: [{ seed: 'org-discovery', size: 64 }] };

/** A repository gone from the upstream: its manifests deleted, then its directory (distribution keeps listing an emptied repository). */
async function removeUpstream(registry: RunningRegistry, repository: string): Promise<void> {
  for (const tag of await listTags(registry, repository)) await deleteManifest(registry, repository, (await manifestDigest(registry, repository, tag))!);
  rmSync(join(registry.rootDir, 'docker/registry/v2/repositories', repository), { recursive: true, force: true });
}

describe('organization discoveries on a real upstream (NATS, docker-registry)', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let slowUpstream: ShapingProxy;
  let store: EventStore;
  let settings: DiscoverySettings;
  const secrets = createSecretBox(randomBytes(32));

  const config = (organization: string, url: string, extra: Partial<OrgMirrorConfig> = {}): OrgMirrorConfig => ({
    organization,
    isEnabled: true,
    externalRegistryType: 'distribution',
    externalRegistryUrl: url,
    externalNamespace: 'team',
    externalRegistryUsername: null,
    externalRegistryPassword: null,
    robotUsername: `${organization}+mirror`,
    visibility: 'public',
    syncInterval: 3600,
    syncStartDate: '2026-01-01T00:00:00.000Z',
    externalRegistryConfig: { verifyTls: false, unsignedImages: true, proxy: { httpProxy: null, httpsProxy: null, noProxy: null } },
    repositoryFilters: [],
    include: [],
    exclude: [],
    repositoryNameTemplate: '{namespace}/{repository}',
    tagRule: globTagRule(['v*']),
    architectureFilter: [],
    skopeoTimeout: 30,
    vanished: { action: 'report', maxDelete: null },
    ...extra,
  });
  const orgSubject = (organization: string) => aggregateSubject(store.prefix, AggregateKind.OrgMirror, organization);
  const command = (organization: string, c: OrgMirrorCommand) => handleCommand(store, orgSubject(organization), organization, orgMirrorDecider, c, causation);
  const orgEvents = async (organization: string, type: string): Promise<StoredEvent[]> => (await store.read(orgSubject(organization))).events.filter((e) => e.type === type);
  const lastCompletion = async (organization: string) => ((await orgEvents(organization, 'OrgDiscoveryCompleted')).at(-1) as unknown as OrgDiscoveryCompleted).data;
  const childMirror = async (organization: string, repository: string) => (await loadState(store, aggregateSubject(store.prefix, AggregateKind.Mirror, mirrorId(organization, repository)), mirrorDecider)).state;
  const repository = async (organization: string, name: string) => (await loadState(store, aggregateSubject(store.prefix, AggregateKind.Repository, mirrorId(organization, name)), repositoryDecider)).state;
  const mirrorsCreated = async (organization: string, names: readonly string[]) => {
    let count = 0;
    for (const name of names) count += (await store.read(aggregateSubject(store.prefix, AggregateKind.Mirror, mirrorId(organization, name)))).events.filter((e) => e.type === 'MirrorCreated').length;
    return count;
  };
  /** The scheduler's part: schedules the due discovery, handing back its event as the worker's consumer receives it. */
  const schedule = async (organization: string): Promise<ScheduledDiscovery> => {
    const { events } = await command(organization, { kind: 'schedule-discovery', runId: randomUUID(), now: new Date(), leaseSeconds: 30 });
    assert.equal(events[0]?.type, 'OrgDiscoveryScheduled');
    return events[0] as ScheduledDiscovery;
  };
  const executor = () => new DiscoveryExecutor(store, secrets, settings, upstreamListers({ ssrfAllowedHosts: ['127.0.0.1'] }));
  const discover = async (organization: string, stopping = new AbortController().signal) => executor().execute(await schedule(organization), () => undefined, stopping);
  const children = () => new ChildRepositories(store, causation, imagesDeleter(store, secrets, settings));

  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    for (const name of [...APPS.map((a) => `team/${a}`), 'team/lib-x', 'other/app-9']) await pushImage(upstream, name, 'v1', image);
    // Each catalog page takes a moment, so a worker can be stopped between two of them.
    slowUpstream = await startShapingProxy(upstream.url, {
      answer: async (req) => {
        if (req.url?.startsWith('/v2/_catalog')) await sleep(250);
        return false;
      },
    });
    store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    settings = { target: { registryUrl: target.url, verifyTls: false, username: 'writer', password: '' }, leaseSeconds: 30, workerId: 'test/1', discoveryPageSize: 2 };
  });
  after(async () => {
    await store?.destroyStream();
    await store?.close();
    await Promise.all([slowUpstream?.stop(), upstream?.stop(), target?.stop()]);
  });

  it('sets up exactly what the include and exclude patterns select, each in state ORG_MIRROR with a mirror due at once, and refuses a name that is taken', async () => {
    await handleCommand(store, aggregateSubject(store.prefix, AggregateKind.Repository, 'acme/app-3'), 'acme/app-3', repositoryDecider, { kind: 'create', namespace: 'acme', repository: 'app-3', description: '', visibility: 'private', state: RepositoryState.Normal }, causation);
    await command('acme', { kind: 'create', config: config('acme', upstream.url, { include: [{ kind: 'glob', pattern: 'app-*' }], exclude: [{ kind: 'regex', pattern: 'app-[5]' }] }) });
    const before = new Date();
    assert.equal(await discover('acme'), 'completed');
    const done = await lastCompletion('acme');
    assert.equal(done.outcome, 'succeeded', JSON.stringify(done));
    assert.deepEqual(done.summary.added, ['app-0', 'app-1', 'app-2', 'app-4']);
    assert.deepEqual(done.summary.failed.map((f) => f.repository), ['app-3']);
    assert.match(done.summary.failed[0]!.message, /acme\/app-3 exists \(state NORMAL\)/);
    assert.deepEqual([done.summary.listed, done.summary.pages], [7, 4], 'seven names of team, two a page');
    for (const name of ['app-0', 'app-1', 'app-2', 'app-4']) {
      const mirror = await childMirror('acme', name);
      assert.equal(mirror.config?.externalReference, `${upstream.host}/team/${name}`);
      assert.deepEqual(mirror.config?.orgMirror, { organization: 'acme', upstream: name });
      assert.ok(Date.parse(mirror.nextSyncAt!) >= before.getTime() - 1000 && Date.parse(mirror.nextSyncAt!) <= Date.now(), 'due at once');
      const repo = await repository('acme', name);
      assert.ok(repo.status === 'active' && repo.state === RepositoryState.OrgMirror && repo.visibility === 'public');
    }
    assert.equal((await repository('acme', 'app-3')).status === 'active' && (await childMirror('acme', 'app-3')).config, null, 'the taken repository has no mirror');
  });

  it('grants a discovered repository the organization\'s default permissions without an activating user, of robots and users that exist', async () => {
    const at = (kind: AggregateKind, id: string) => aggregateSubject(store.prefix, kind, id);
    await handleCommand(store, at(AggregateKind.Organization, 'protos'), 'protos', organizationDecider, { kind: 'create', name: 'protos', email: null, creator: null }, causation);
    const sealed = secrets.seal('robot-token');
    await handleCommand(store, at(AggregateKind.Robot, 'protos+ci'), 'protos+ci', robotDecider, { kind: 'create', namespace: 'protos', name: 'ci', description: '', token: sealed, tokenHash: 'h' }, causation);
    const prototypes = [
      { prototypeId: randomUUID(), delegate: { kind: 'robot', name: 'protos+ci' }, role: 'write', activatingUser: null },
      { prototypeId: randomUUID(), delegate: { kind: 'robot', name: 'protos+gone' }, role: 'read', activatingUser: null },
      { prototypeId: randomUUID(), delegate: { kind: 'robot', name: 'protos+ci' }, role: 'admin', activatingUser: 'someone' },
    ] as const;
    for (const p of prototypes) await handleCommand(store, at(AggregateKind.Organization, 'protos'), 'protos', organizationDecider, { kind: 'create-default-permission', ...p }, causation);
    await children().setUp(config('protos', upstream.url), { repository: 'found', upstream: 'found' }, new Date());
    const repo = await repository('protos', 'found');
    assert.ok(repo.status === 'active');
    assert.deepEqual(repo.grants, { 'robot:protos+ci': 'write' });
  });

  it('stopped after a page, is given back and resumed by another worker from its checkpoint, with nothing set up twice', async () => {
    await command('beta', { kind: 'create', config: config('beta', slowUpstream.url) });
    const stopping = new AbortController();
    const firstPage = (async () => {
      const watch = new AbortController();
      for await (const event of store.follow(await store.lastSequenceOf(orgSubject('beta')), watch.signal, orgSubject('beta'))) {
        if (event.type === 'OrgDiscoveryPageListed') break;
      }
      stopping.abort();
      watch.abort();
    })();
    assert.equal(await discover('beta', stopping.signal), 'handed-back');
    await firstPage;
    const { state } = await loadState(store, orgSubject('beta'), orgMirrorDecider);
    assert.ok(state.run && !state.run.complete && state.run.cursor, `a checkpoint mid-listing: ${JSON.stringify(state.run)}`);
    const pagesBefore = state.run.pages;
    assert.equal(await discover('beta'), 'completed');
    const started = await orgEvents('beta', 'OrgDiscoveryStarted');
    assert.deepEqual(started.map((e) => (e.data as { resumed: boolean }).resumed), [false, true]);
    const pages = (await orgEvents('beta', 'OrgDiscoveryPageListed')).map((e) => (e.data as { page: number }).page);
    assert.deepEqual(pages, [1, 2, 3, 4], `pages ${pagesBefore} then the rest, each once`);
    const done = await lastCompletion('beta');
    assert.deepEqual([...done.summary.added].sort(), [...APPS, 'lib-x'].sort());
    assert.equal(await mirrorsCreated('beta', [...APPS, 'lib-x']), 7, 'one MirrorCreated per repository');
  });

  it('reassigned while its worker is slow, stops that worker at its next record; the new assignment finishes it, nothing doubled', async () => {
    await command('delta', { kind: 'create', config: config('delta', slowUpstream.url) });
    const first = await schedule('delta');
    const reassigned = (async () => {
      const watch = new AbortController();
      for await (const event of store.follow(await store.lastSequenceOf(orgSubject('delta')), watch.signal, orgSubject('delta'))) {
        if (event.type === 'OrgDiscoveryPageListed') break;
      }
      watch.abort();
      // The scheduler, its clock past the lease: the same discovery, the next fencing token.
      const { events } = await command('delta', { kind: 'schedule-discovery', runId: randomUUID(), now: new Date(Date.now() + 120_000), leaseSeconds: 30 });
      return events[0] as ScheduledDiscovery;
    })();
    assert.equal(await executor().execute(first, () => undefined, new AbortController().signal), 'lease-lost');
    const second = await reassigned;
    assert.equal(second.data.runId, first.data.runId);
    assert.equal(await executor().execute(second, () => undefined, new AbortController().signal), 'completed');
    const done = await lastCompletion('delta');
    assert.equal(done.outcome, 'succeeded');
    assert.deepEqual((await orgEvents('delta', 'OrgDiscoveryPageListed')).map((e) => (e.data as { page: number }).page), [1, 2, 3, 4]);
    assert.equal(await mirrorsCreated('delta', [...APPS, 'lib-x']), 7);
  });

  it('cancelled mid-listing, stops between pages and ends cancelled, deciding nothing about what vanished', async () => {
    await command('gamma', { kind: 'create', config: config('gamma', slowUpstream.url, { vanished: { action: 'delete', maxDelete: null } }) });
    const cancel = (async () => {
      const watch = new AbortController();
      for await (const event of store.follow(await store.lastSequenceOf(orgSubject('gamma')), watch.signal, orgSubject('gamma'))) {
        if (event.type === 'OrgDiscoveryPageListed') break;
      }
      watch.abort();
      await command('gamma', { kind: 'cancel', now: new Date() });
    })();
    assert.equal(await discover('gamma'), 'completed');
    await cancel;
    const done = await lastCompletion('gamma');
    assert.deepEqual([done.outcome, done.summary.vanished, done.summary.deleted], ['cancelled', [], []]);
    assert.ok(done.summary.pages < 4, `stopped after ${done.summary.pages} pages`);
  });

  it('rolls changed settings out to every repository once, keeping each one\'s schedule anchor', async () => {
    const anchor = (await childMirror('acme', 'app-0')).config!.syncStartDate;
    const { events } = await command('acme', { kind: 'update', config: { ...config('acme', upstream.url, { include: [{ kind: 'glob', pattern: 'app-*' }], exclude: [{ kind: 'regex', pattern: 'app-[5]' }] }), tagRule: globTagRule(['v1']) } });
    const updated = events[0] as Parameters<typeof rollOutSettings>[2];
    assert.equal(await rollOutSettings(store, children(), updated), 4);
    assert.equal(await rollOutSettings(store, children(), updated), 0, 'a redelivered change writes nothing');
    const mirror = await childMirror('acme', 'app-0');
    assert.deepEqual(mirror.config?.tagRule, globTagRule(['v1']));
    assert.equal(mirror.config?.syncStartDate, anchor);
  });

  it('reports a repository gone upstream and stops its mirror, then deletes it with its images under vanished: delete within the cap', async () => {
    await pushImage(target, 'acme/app-1', 'v1', image);
    await removeUpstream(upstream, 'team/app-1');
    await command('acme', { kind: 'request-sync-now' });
    assert.equal(await discover('acme'), 'completed');
    const reported = await lastCompletion('acme');
    assert.deepEqual([reported.outcome, reported.summary.vanished, reported.summary.deleted], ['succeeded', ['app-1'], []]);
    assert.equal((await childMirror('acme', 'app-1')).config?.isEnabled, false, 'stopped under report');
    assert.equal((await childMirror('acme', 'app-0')).config?.isEnabled, true);

    const current = (await loadState(store, orgSubject('acme'), orgMirrorDecider)).state.config!;
    await command('acme', { kind: 'update', config: { ...current, vanished: { action: 'delete', maxDelete: { count: 0 } } } });
    await command('acme', { kind: 'request-sync-now' });
    assert.equal(await discover('acme'), 'completed');
    const refused = await lastCompletion('acme');
    assert.deepEqual([refused.outcome, refused.error?.code, refused.retryable, refused.summary.deleted], ['failed', 'DELETE_CAP_EXCEEDED', false, []]);
    assert.equal((await repository('acme', 'app-1')).status, 'active', 'nothing deleted over the cap');

    await command('acme', { kind: 'update', config: { ...current, vanished: { action: 'delete', maxDelete: { count: 1 } } } });
    await command('acme', { kind: 'request-sync-now' });
    assert.equal(await discover('acme'), 'completed');
    const deleted = await lastCompletion('acme');
    assert.deepEqual([deleted.outcome, deleted.summary.deleted], ['succeeded', ['app-1']]);
    assert.equal((await childMirror('acme', 'app-1')).deleted, true);
    assert.equal((await repository('acme', 'app-1')).status, 'deleted');
    assert.deepEqual(await listTags(target, 'acme/app-1'), [], 'its images are gone from the target');
    assert.equal((await loadState(store, orgSubject('acme'), orgMirrorDecider)).state.repositories['app-1'], undefined);
  });

  it('deleted, lets go of its repositories: their mirrors deleted, the repositories back to NORMAL', async () => {
    const { events } = await command('beta', { kind: 'delete', deleteRepositories: false });
    assert.equal(await letGoOfRepositories(store, children(), events[0] as Parameters<typeof letGoOfRepositories>[2]), 7);
    for (const name of ['app-0', 'lib-x']) {
      assert.equal((await childMirror('beta', name)).deleted, true);
      const repo = await repository('beta', name);
      assert.ok(repo.status === 'active' && repo.state === RepositoryState.Normal);
    }
  });
});
