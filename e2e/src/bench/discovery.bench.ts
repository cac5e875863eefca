/**
 * Discovery benchmark (part of `npm run bench`): an organization mirror discovers 1,000 upstream
 * repositories (and 10,000 with `--large`) on a local `docker-registry`'s `_catalog`, through the
 * four services. Reports the wall time from the discovery's start to its end, the catalog requests,
 * the sync-worker's peak memory (VmHWM, the worker restarted before each size so each peak is its
 * own), and the time from the discovery's start to the first discovered repository's run. A
 * discovery holds one page at a time, so the peak should not grow with the listing. Writes its
 * section of docs/benchmarks.md.
 */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aggregateSubject, AggregateKind, globTagRule, serviceActor, type OrgMirrorConfig, type StoredEvent } from '@ferry/contracts';
import { EventStore, handleCommand } from '@ferry/event-store';
import { orgMirrorDecider, type OrgMirrorCommand } from '@ferry/mirror';
import { createTestDatabase, pushImage, startRegistry, testEventLogNames, TEST_NATS_URL, type RunningRegistry } from '@ferry/testing';
import { startFerry, testDeploymentEnv, type FerryProcesses } from '../ferry-processes';
import { eventsSince, writeSection } from './bench-kit';

const SIZES = process.argv.includes('--large') ? [1_000, 10_000] : [1_000];
const causation = { correlationId: 'bench', causationId: 'bench', actor: serviceActor('bench') };

/**
 * `count` repositories `<namespace>/r00000...` holding one tag, made by copying a pushed
 * repository's links in the registry's storage (distribution lists a repository by its `_layers`),
 * so 10,000 take seconds instead of 10,000 pushes.
 */
function fillNamespace(registry: RunningRegistry, template: string, namespace: string, count: number): void {
  const root = join(registry.rootDir, 'docker/registry/v2/repositories');
  for (let i = 0; i < count; i++) cpSync(join(root, template), join(root, namespace, `r${String(i).padStart(5, '0')}`), { recursive: true });
}

/** Peak resident memory of a process (VmHWM), in MiB. */
function peakMiB(pid: number): number {
  const line = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return line ? Number(line[1]) / 1024 : NaN;
}

/** Waits until each of the organization's `count` repositories has ended a run (or the deadline passes). */
async function runsEnded(store: EventStore, from: number, organization: string, count: number, deadline: number): Promise<void> {
  const ended = new Set<string>();
  for (let next = from; ended.size < count && Date.now() < deadline; ) {
    for (const event of await eventsSince(store, next)) {
      next = event.position + 1;
      if ((event.type === 'MirrorSucceeded' || event.type === 'MirrorFailed') && event.data.mirrorId.startsWith(`${organization}/`)) ended.add(event.data.mirrorId);
    }
    if (ended.size < count) await new Promise((r) => setTimeout(r, 2_000));
  }
}

async function main(): Promise<void> {
  const [upstream, target, db] = await Promise.all([startRegistry({ countRequests: true }), startRegistry(), createTestDatabase()]);
  const names = testEventLogNames();
  const store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...names });
  let ferry: FerryProcesses | null = null;
  const rows: string[] = [];
  try {
    await pushImage(upstream, 'tiny/app', 'v1', { mediaType: 'oci', layers: [{ seed: 'tiny', size: 1024 }] });
    for (const size of SIZES) fillNamespace(upstream, 'tiny/app', `n${size}`, size);
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      FERRY_LOG_LEVEL: 'warn',
      FERRY_UPSTREAM_HOST_LIMIT: '64',
      // The discovered repositories' runs write to an open target with fixed credentials.
      FERRY_TARGET_USERNAME: 'bench',
      FERRY_TARGET_PASSWORD: 'bench',
    });
    for (const size of SIZES) {
      const organization = `bench${size}`;
      // A fresh worker, so its peak memory is this discovery's.
      await ferry.stop('sync-worker');
      ferry.start('sync-worker');
      await upstream.resetRequestCount();
      const from = (await store.headPosition()) + 1;
      const config: OrgMirrorConfig = {
        organization,
        isEnabled: true,
        externalRegistryType: 'distribution',
        externalRegistryUrl: upstream.url,
        externalNamespace: `n${size}`,
        externalRegistryUsername: null,
        externalRegistryPassword: null,
        robotUsername: `${organization}+syncer`,
        visibility: 'private',
        syncInterval: 86_400,
        syncStartDate: new Date().toISOString(),
        externalRegistryConfig: { verifyTls: false, unsignedImages: true, proxy: { httpProxy: null, httpsProxy: null, noProxy: null } },
        repositoryFilters: [],
        include: [],
        exclude: [],
        repositoryNameTemplate: '{namespace}/{flat_repository}',
        tagRule: globTagRule(['v1']),
        architectureFilter: [],
        skopeoTimeout: 300,
        vanished: { action: 'report', maxDelete: null },
      };
      const command: OrgMirrorCommand = { kind: 'create', config };
      await handleCommand(store, aggregateSubject(store.prefix, AggregateKind.OrgMirror, organization), organization, orgMirrorDecider, command, causation);
      let events: StoredEvent[] = [];
      const deadline = Date.now() + 30 * 60_000;
      while (Date.now() < deadline && !events.some((e) => e.type === 'OrgDiscoveryCompleted')) {
        await new Promise((r) => setTimeout(r, 1_000));
        events = await eventsSince(store, from);
      }
      const worker = ferry.pid('sync-worker')!;
      const started = events.find((e) => e.type === 'OrgDiscoveryStarted');
      const completed = events.find((e) => e.type === 'OrgDiscoveryCompleted');
      if (!started || !completed || completed.type !== 'OrgDiscoveryCompleted') throw new Error(`the discovery of ${size} repositories did not end:\n${ferry.output().slice(-3000)}`);
      const firstRun = events.find((e) => e.type === 'MirrorStarted' && e.data.mirrorId.startsWith(`${organization}/`));
      const wallS = (Date.parse(completed.occurredAt) - Date.parse(started.occurredAt)) / 1000;
      const firstRunS = firstRun ? (Date.parse(firstRun.occurredAt) - Date.parse(started.occurredAt)) / 1000 : NaN;
      const catalogRequests = (await upstream.settleRequestCount(), upstream.accessLog().filter((l) => l.includes('/v2/_catalog')).length);
      const { summary, outcome } = completed.data;
      rows.push(
        `| ${size.toLocaleString('en')} | ${outcome}, ${summary.added.length.toLocaleString('en')} added | ${wallS.toFixed(1)} s | ${(size / wallS).toFixed(0)} | ${summary.pages} | ${catalogRequests} | ${peakMiB(worker).toFixed(0)} MiB | ${Number.isNaN(firstRunS) ? 'none before it ended' : `${firstRunS.toFixed(2)} s`} |`,
      );
      process.stderr.write(`bench: discovery of ${size}: ${rows.at(-1)}\n`);
      // The next size's first run would otherwise queue behind this size's runs: let them finish.
      if (size !== SIZES.at(-1)) await runsEnded(store, from, organization, size, deadline);
    }
    const doc = [
      '## Discovery',
      '',
      "An organization mirror discovers every repository of one namespace of a local `docker-registry` (`_catalog`,",
      'pages of 100, `FERRY_DISCOVERY_PAGE_SIZE`), sets each one up (its repository in state ORG_MIRROR and its',
      'mirror), and each discovered repository runs at once (one tag of a tiny image). Wall time is from',
      '`OrgDiscoveryStarted` to `OrgDiscoveryCompleted`; the peak is the sync-worker\'s VmHWM, a fresh worker for each',
      'size, while it also runs the discovered repositories (each size starts once the runs of the one before have',
      'ended); the first run is the first discovered repository\'s',
      `\`MirrorStarted\` after the discovery started. Made with \`npm run bench${SIZES.length > 1 ? ' -- --large' : ''}\` on a 2-core machine, on`,
      `${new Date().toISOString().slice(0, 10)}; Postgres, NATS and the registries run on the same machine.`,
      '',
      '| repositories | outcome | wall | repositories/s | pages | catalog requests | worker peak | first run after |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
    ].join('\n');
    writeSection('discovery-benchmark', 'e2e/src/bench/discovery.bench.ts', doc);
    process.stdout.write(doc);
  } finally {
    await ferry?.stopAll();
    await store.destroyStream();
    await store.close();
    await Promise.all([upstream.stop(), target.stop()]);
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
