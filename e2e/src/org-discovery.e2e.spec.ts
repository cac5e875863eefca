import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  aggregateSubject,
  AggregateKind,
  globTagRule,
  serviceActor,
  type OrgDiscoveryCompleted,
  type OrgMirrorConfig,
  type StoredEvent,
} from '@ferry/contracts';
import { EventStore, handleCommand, loadState } from '@ferry/event-store';
import { orgMirrorDecider, type OrgMirrorCommand } from '@ferry/mirror';
import {
  createTestDatabase,
  deleteManifest,
  eventually,
  listTags,
  manifestDigest,
  pushImage,
  startRegistry,
  startShapingProxy,
  tagDigests,
  testEventLogNames,
  TEST_NATS_URL,
  type RunningRegistry,
  type ShapingProxy,
  type TestDatabase,
} from '@ferry/testing';
import { apiClient, createOrganizationWithRobot } from './api-client';
import { destroyEventLog, readEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';

/** 30 upstream repositories in two namespaces: the organization mirror lists `alpha` only. */
const ALPHA = [...Array.from({ length: 12 }, (_, i) => `svc-${String(i).padStart(2, '0')}`), 'tool-a', 'tool-b', 'svc-legacy', 'web-1', 'web-2', 'web-3', 'docs'];
const BETA = Array.from({ length: 11 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
/** Selected: `svc-*` and `web-*` (include), not `svc-legacy` (exclude). */
const SELECTED = ALPHA.filter((n) => (n.startsWith('svc-') || n.startsWith('web-')) && n !== 'svc-legacy').sort();
const PAGE_SIZE = 3;
const image = (tag: string) => ({ mediaType: 'oci' as const, layers: [{ seed: `org-${tag}`, size: 128 }] });
const causation = { correlationId: 'e2e', causationId: 'e2e', actor: serviceActor('e2e') };

/** A repository gone from the upstream: its manifests deleted, then its directory (distribution lists an emptied repository still). */
async function removeUpstream(registry: RunningRegistry, repository: string): Promise<void> {
  for (const tag of await listTags(registry, repository)) {
    const digest = await manifestDigest(registry, repository, tag);
    if (digest) await deleteManifest(registry, repository, digest).catch(() => undefined);
  }
  rmSync(join(registry.rootDir, 'docker/registry/v2/repositories', repository), { recursive: true, force: true });
}

/** The tags the tag rule `v*` selects, with their digests. */
const versioned = (digests: Record<string, string>) => Object.fromEntries(Object.entries(digests).filter(([tag]) => tag.startsWith('v')));

describe('organization mirroring end to end: discovery, its repositories mirrored, vanished repositories, a worker killed mid-discovery', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let slowCatalog: ShapingProxy;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let store: EventStore;
  const names = testEventLogNames();
  const api = apiClient(() => ferry);

  const orgConfig = (organization: string, url: string, extra: Partial<OrgMirrorConfig> = {}): OrgMirrorConfig => ({
    organization,
    isEnabled: true,
    externalRegistryType: 'distribution',
    externalRegistryUrl: url,
    externalNamespace: 'alpha',
    externalRegistryUsername: null,
    externalRegistryPassword: null,
    robotUsername: `${organization}+syncer`,
    visibility: 'private',
    syncInterval: 86_400,
    syncStartDate: new Date(Date.now() - 60_000).toISOString(),
    externalRegistryConfig: { verifyTls: false, unsignedImages: true, proxy: { httpProxy: null, httpsProxy: null, noProxy: null } },
    repositoryFilters: [],
    include: [{ kind: 'glob', pattern: 'svc-*' }, { kind: 'regex', pattern: 'web-[0-9]+' }],
    exclude: [{ kind: 'glob', pattern: 'svc-legacy' }],
    repositoryNameTemplate: '{namespace}/{repository}',
    tagRule: globTagRule(['v*']),
    architectureFilter: [],
    skopeoTimeout: 30,
    vanished: { action: 'report', maxDelete: null },
    ...extra,
  });
  const orgSubject = (organization: string) => aggregateSubject(store.prefix, AggregateKind.OrgMirror, organization);
  /** As the API (built elsewhere) will: a command on the organization mirror's own subject. */
  const command = (organization: string, c: OrgMirrorCommand) => handleCommand(store, orgSubject(organization), organization, orgMirrorDecider, c, causation);
  const completions = async (organization: string) =>
    (await store.read(orgSubject(organization))).events.filter((e): e is StoredEvent & OrgDiscoveryCompleted => e.type === 'OrgDiscoveryCompleted').map((e) => e.data);
  /** Waits for the organization mirror's `n`-th discovery to end, and returns how it ended. */
  const discoveryNumber = (organization: string, n: number, timeoutMs = 60_000) =>
    eventually(async () => (await completions(organization))[n - 1], timeoutMs, `discovery ${n} of ${organization} to end\n${ferry.output().slice(-4000)}`);
  /** Waits until the target holds, digest for digest, the upstream repository's `v*` tags. */
  const mirrored = async (organization: string, upstreamRepository: string, timeoutMs = 120_000) => {
    const want = versioned(await tagDigests(upstream, upstreamRepository));
    assert.ok(Object.keys(want).length >= 2);
    const targetRepository = `${organization}/${upstreamRepository.slice(upstreamRepository.indexOf('/') + 1)}`;
    await eventually(async () => JSON.stringify(await tagDigests(target, targetRepository)) === JSON.stringify(want) || undefined, timeoutMs, `${targetRepository} to hold ${JSON.stringify(want)}`);
  };

  before(async () => {
    [upstream, target, db] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase()]);
    for (const [namespace, repositories] of [['alpha', ALPHA], ['beta', BETA]] as const) {
      for (const repository of repositories) {
        for (const tag of ['v1', 'v2', 'latest']) await pushImage(upstream, `${namespace}/${repository}`, tag, image(`${namespace}/${repository}:${tag}`));
      }
    }
    // Each catalog page takes a moment here, so a worker can be killed between two pages.
    slowCatalog = await startShapingProxy(upstream.url, {
      answer: async (req) => {
        if (req.url?.startsWith('/v2/_catalog')) await sleep(500);
        return false;
      },
    });
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      FERRY_RUN_LEASE_SECONDS: '5',
      FERRY_DISCOVERY_PAGE_SIZE: String(PAGE_SIZE),
    });
    store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...names });
    await createOrganizationWithRobot(api, 'acme');
    await createOrganizationWithRobot(api, 'crash');
  });

  after(async () => {
    await ferry?.stopAll();
    await store?.close();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop(), slowCatalog?.stop()]);
    await db?.drop();
  });

  it('discovers exactly what the include and exclude patterns select in one namespace, and each repository is mirrored digest for digest by its tag rule', async () => {
    await command('acme', { kind: 'create', config: orgConfig('acme', upstream.url) });
    const first = await discoveryNumber('acme', 1);
    assert.equal(first.outcome, 'succeeded', JSON.stringify(first));
    assert.deepEqual([...first.summary.added].sort(), SELECTED);
    assert.deepEqual([first.summary.listed, first.summary.pages, first.summary.failed], [ALPHA.length, Math.ceil(ALPHA.length / PAGE_SIZE), []]);
    for (const repository of SELECTED) await mirrored('acme', `alpha/${repository}`);
    for (const repository of ['tool-a', 'svc-legacy', 'docs']) assert.deepEqual(await listTags(target, `acme/${repository}`), [], `${repository} is not selected`);
    const repo = await api('GET', '/repository/acme/svc-00');
    assert.equal(repo.json.state, 'ORG_MIRROR', JSON.stringify(repo.json));
  });

  it('finds a repository pushed upstream later at the next discovery (sync-now), and mirrors it', async () => {
    for (const tag of ['v1', 'v2', 'latest']) await pushImage(upstream, 'alpha/svc-20', tag, image(`alpha/svc-20:${tag}`));
    await command('acme', { kind: 'request-sync-now' });
    const second = await discoveryNumber('acme', 2);
    assert.deepEqual([second.outcome, second.summary.added, second.summary.vanished], ['succeeded', ['svc-20'], []]);
    await mirrored('acme', 'alpha/svc-20');
  });

  it('reports a repository deleted upstream and stops its mirror, then deletes it under vanished: delete within its cap', async () => {
    const digests = await tagDigests(target, 'acme/svc-05');
    assert.ok(Object.keys(digests).length > 0, 'mirrored before it vanished');
    await removeUpstream(upstream, 'alpha/svc-05');
    await command('acme', { kind: 'request-sync-now' });
    const reported = await discoveryNumber('acme', 3);
    assert.deepEqual([reported.outcome, reported.summary.vanished, reported.summary.deleted], ['succeeded', ['svc-05'], []]);
    // The stop is stored before the discovery's end; the API shows it once its read models have it.
    await eventually(async () => ((await api('GET', '/repository/acme/svc-05/mirror')).json.is_enabled === false ? true : undefined), 10_000, 'svc-05\'s mirror stopped in the API');
    assert.deepEqual(await tagDigests(target, 'acme/svc-05'), digests, 'reported, not deleted');

    const current = (await loadState(store, orgSubject('acme'), orgMirrorDecider)).state.config!;
    await command('acme', { kind: 'update', config: { ...current, vanished: { action: 'delete', maxDelete: { count: 1 } } } });
    await command('acme', { kind: 'request-sync-now' });
    const deleted = await discoveryNumber('acme', 4);
    assert.deepEqual([deleted.outcome, deleted.summary.deleted], ['succeeded', ['svc-05']], JSON.stringify(deleted));
    assert.deepEqual(await listTags(target, 'acme/svc-05'), [], 'its images are gone from the target');
    // The repository's deletion is in the log before the discovery's end; the API's read models follow.
    await eventually(async () => ((await api('GET', '/repository/acme/svc-05')).status === 404 ? true : undefined), 10_000, 'svc-05 gone from the API');
    assert.equal((await api('GET', '/repository/acme/svc-04/mirror')).json.is_enabled, true, 'the others mirror on');
  });

  it('resumes a discovery whose worker was killed mid-listing from its checkpoint, with nothing doubled', async () => {
    const pagesOf = async () => (await readEventLog(names)).filter((e) => e.type === 'OrgDiscoveryPageListed' && (e.data as { organization: string }).organization === 'crash');
    await command('crash', { kind: 'create', config: orgConfig('crash', slowCatalog.url) });
    await eventually(async () => ((await pagesOf()).length >= 2 ? true : undefined), 60_000, 'the second page of crash\'s discovery');
    const pid = ferry.pid('sync-worker')!;
    process.kill(pid, 'SIGKILL');
    await ferry.stop('sync-worker');
    const pagesAtKill = (await pagesOf()).length;
    assert.ok(pagesAtKill < Math.ceil((ALPHA.length - 2) / PAGE_SIZE), `killed mid-listing, after ${pagesAtKill} pages`);
    ferry.start('sync-worker', {}, 'sync-worker-2');

    const done = await discoveryNumber('crash', 1, 90_000);
    assert.equal(done.outcome, 'succeeded', JSON.stringify(done));
    const log = await readEventLog(names);
    const ofCrash = (type: string) => log.filter((e) => e.type === type && (e.data as { organization?: string }).organization === 'crash');
    assert.deepEqual(ofCrash('OrgDiscoveryStarted').map((e) => (e.data as { resumed: boolean }).resumed), [false, true], 'started once, resumed once');
    const pages = ofCrash('OrgDiscoveryPageListed').map((e) => (e.data as { page: number }).page);
    assert.deepEqual(pages, Array.from({ length: pages.length }, (_, i) => i + 1), 'each page recorded once, in order');
    assert.equal(pages.length, done.summary.pages);
    const created = log.filter((e) => e.type === 'MirrorCreated' && (e.data as { mirrorId: string }).mirrorId.startsWith('crash/')).map((e) => (e.data as { mirrorId: string }).mirrorId.slice('crash/'.length));
    const expected = [...SELECTED.filter((r) => r !== 'svc-05'), 'svc-20'].sort();
    assert.deepEqual([...created].sort(), expected, 'one MirrorCreated per repository, none twice');
    assert.deepEqual([...done.summary.added].sort(), expected);
    await mirrored('crash', 'alpha/svc-20');
  });
});

