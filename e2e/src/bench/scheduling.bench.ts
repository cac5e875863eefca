/**
 * Scheduling benchmark (part of `npm run bench`): 10,000 configured mirrors, 1,000 of them due at
 * the same instant, against a local upstream of tiny images. Reports the time from due to
 * `MirrorStarted` (p50/p99) and runs completed per second with 1, 2 and 4 sync-worker processes,
 * and what one scheduler tick costs over 10,000 mirrors. Writes its section of docs/benchmarks.md.
 */
import { aggregateSubject, AggregateKind, serviceActor, type StoredEvent } from '@ferry/contracts';
import { EventStore, handleCommand } from '@ferry/event-store';
import { mirrorDecider } from '@ferry/mirror';
import pg from 'pg';
import { busyCpuSeconds, createTestDatabase, pushImage, startRegistry, testEventLogNames, TEST_NATS_URL } from '@ferry/testing';
import { cpus, loadavg } from 'node:os';
import { startFerry, testDeploymentEnv, type FerryProcesses } from '../ferry-processes';
import { cpuNow, cpuSince, eventsSince, inParallel, percentile, tinyMirrorConfig, writeSection } from './bench-kit';

const MIRRORS = Number(process.env.BENCH_MIRRORS ?? 10_000);
const DUE = Number(process.env.BENCH_DUE ?? 1_000);
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);

async function main(): Promise<void> {
  const [upstream, target, db] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase()]);
  const names = testEventLogNames();
  const store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...names });
  const lines: string[] = [];
  const loadBefore = loadavg()[0]!;
  let ferry: FerryProcesses | null = null;
  try {
    await pushImage(upstream, 'tiny/app', 'v1', { mediaType: 'oci', layers: [{ seed: 'tiny', size: 1024 }] });
    const base = tinyMirrorConfig(upstream.host, 'bench+syncer', '2099-01-01T00:00:00.000Z');
    const ids = Array.from({ length: MIRRORS }, (_, i) => `bench/m${String(i).padStart(5, '0')}`);
    const causation = { correlationId: 'bench', causationId: 'bench', actor: serviceActor('bench') };
    const created = Date.now();
    await inParallel(ids, 32, async (id) => {
      const [namespace, repository] = id.split('/') as [string, string];
      await handleCommand(store, aggregateSubject(store.prefix, AggregateKind.Mirror, id), id, mirrorDecider,
        { kind: 'create', mirrorId: id, config: { ...base, namespace, repository }, now: new Date() }, causation);
    });
    process.stderr.write(`bench: created ${MIRRORS} mirrors in ${Date.now() - created} ms\n`);

    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      FERRY_LOG_LEVEL: 'warn',
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
      FERRY_UPSTREAM_HOST_LIMIT: '64',
      // The bench's mirrors have no robot: the (open) target takes fixed credentials instead.
      FERRY_TARGET_USERNAME: 'bench',
      FERRY_TARGET_PASSWORD: 'bench',
      // The API projects the 10,000 mirrors before it answers.
    }, { apiTimeoutMs: 300_000 });
    await ferry.stop('sync-worker');
    await ferry.stop('notifier');

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    // Wait for the scheduler's index to hold every mirror, then time one tick's query over it.
    for (;;) {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM due_mirrors');
      if (rows[0].n >= MIRRORS) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const plan = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM due_mirrors WHERE due_at <= now() ORDER BY due_at LIMIT 500`);
    const tick = plan.rows[0]['QUERY PLAN'][0];
    const scan = JSON.stringify(tick.Plan).includes('Index') ? 'index scan on due_at' : 'sequential scan';
    lines.push(`- One scheduler tick over ${MIRRORS} mirrors with none due: ${tick['Execution Time'].toFixed(2)} ms (${scan}).`);
    await client.end();

    const results: string[] = [];
    const machine: string[] = [];
    const due = ids.slice(0, DUE);
    for (const workers of WORKER_COUNTS) {
      const from = (await store.headPosition()) + 1;
      const dueAt = new Date(Date.now() + 20_000);
      dueAt.setMilliseconds(0);
      await inParallel(due, 32, async (id) => {
        const [namespace, repository] = id.split('/') as [string, string];
        await handleCommand(store, aggregateSubject(store.prefix, AggregateKind.Mirror, id), id, mirrorDecider,
          { kind: 'update', config: { ...base, namespace, repository, syncStartDate: dueAt.toISOString() }, now: new Date() }, causation);
      });
      const instances = Array.from({ length: workers }, (_, i) => `bench-worker-${workers}-${i}`);
      for (const instance of instances) ferry.start('sync-worker', {}, instance);
      // CPU is counted from just before the runs fall due: the workers' start-up and the
      // projection of the 1,000 updates above are not the runs' cost.
      await new Promise((r) => setTimeout(r, dueAt.getTime() - 1_000 - Date.now()));
      const cpuAtStart = cpuNow(new Map([...['mirror-config', 'scheduler', ...instances].map((name) => [name, ferry!.pid(name)!] as const)]));
      // The whole machine's CPU over the same span, and the registries': what a run costs the machine, not only Ferry.
      const machineAtStart = { busy: busyCpuSeconds(), registries: upstream.cpuSeconds() + target.cpuSeconds(), at: Date.now() };
      let finished: StoredEvent[] = [];
      let all: StoredEvent[] = [];
      const deadline = Date.now() + 600_000;
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 2_000));
        all = await eventsSince(store, from);
        finished = all.filter((e) => e.type === 'MirrorSucceeded' || e.type === 'MirrorFailed');
        if (finished.length >= DUE) break;
      }
      const cpu = cpuSince(cpuAtStart);
      const machineBusy = busyCpuSeconds() - machineAtStart.busy;
      const registriesCpu = upstream.cpuSeconds() + target.cpuSeconds() - machineAtStart.registries;
      const spanSeconds = (Date.now() - machineAtStart.at) / 1000;
      const started = all.filter((e) => e.type === 'MirrorStarted');
      const latencies = started.map((e) => Date.parse(e.occurredAt) - dueAt.getTime()).sort((a, b) => a - b);
      const lastDone = Math.max(...finished.map((e) => Date.parse(e.occurredAt)));
      const failed = finished.filter((e) => e.type === 'MirrorFailed').length;
      const perSecond = finished.length / ((lastDone - dueAt.getTime()) / 1000);
      const perRunMs = (seconds: number) => `${((seconds * 1000) / finished.length).toFixed(1)} ms`;
      const workerCpu = instances.reduce((sum, instance) => sum + cpu.get(instance)!, 0);
      const allCpu = [...cpu.values()].reduce((a, b) => a + b, 0);
      results.push(
        `| ${workers} | ${finished.length}${failed ? ` (${failed} failed)` : ''} | ${(percentile(latencies, 50) / 1000).toFixed(2)} s | ${(percentile(latencies, 99) / 1000).toFixed(2)} s | ${perSecond.toFixed(1)} | ${perRunMs(workerCpu)} | ${perRunMs(cpu.get('scheduler')!)} | ${perRunMs(cpu.get('mirror-config')!)} | ${perRunMs(allCpu)} |`,
      );
      const cores = cpus().length;
      const othersCpu = machineBusy - allCpu - registriesCpu;
      machine.push(
        `| ${workers} | ${perRunMs(machineBusy)} | ${perRunMs(allCpu)} | ${perRunMs(registriesCpu)} | ${perRunMs(othersCpu)} | ${((100 * machineBusy) / (spanSeconds * cores)).toFixed(0)} % | ${((cores * finished.length) / machineBusy).toFixed(0)} |`,
      );
      process.stderr.write(`bench: ${workers} worker(s): ${results.at(-1)}\n${machine.at(-1)}\n`);
      if (process.env.BENCH_DEBUG) {
        const byType = new Map<string, number>();
        for (const e of all) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
        const done = finished.map((e) => Date.parse(e.occurredAt) - dueAt.getTime()).sort((a, b) => a - b);
        process.stderr.write(ferry.output().split('\n').filter((l) => /ERROR|WARN/.test(l)).slice(-10).join('\n') + '\n');
        process.stderr.write(`bench: events ${JSON.stringify([...byType])} finish p50 ${percentile(done, 50)} p90 ${percentile(done, 90)} max ${done.at(-1)}\n`);
      }
      for (const instance of instances) await ferry.stop(instance);
    }

    const doc = [
      '## Scheduling',
      '',
      `${MIRRORS.toLocaleString('en')} configured mirrors, ${DUE.toLocaleString('en')} of them due at the same instant, each a`,
      'one-tag mirror of a tiny image on a local `docker-registry`; one scheduler (`REPO_MIRROR_INTERVAL=1`),',
      'sync-workers with the default `FERRY_WORKER_CONCURRENCY=2` and `FERRY_UPSTREAM_HOST_LIMIT=64` (every',
      'mirror shares one upstream host). Made with `npm run bench` on a 2-core machine, on',
      `${new Date().toISOString().slice(0, 10)}; Postgres, NATS and the registries run on the same machine.`,
      'CPU per run is the user and system CPU each Ferry process spent (from `/proc`), from just before the runs',
      'fell due until the last ended, over the runs; NATS, Postgres and the registries are not counted.',
      'The rows run one after another over the same 1,000 mirrors: in the first, each run is its mirror\'s first and copies',
      'the image to the target; in the later ones the target already holds it and a run copies nothing (the steady state of',
      'a scheduled mirror whose upstream did not change), so compare rows with that in mind.',
      '',
      '| workers | runs finished | due → MirrorStarted p50 | p99 | runs/s | CPU per run: sync-workers | scheduler | mirror-config | Ferry in all |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...results,
      '',
      'What a run cost the whole machine over the same span (all of `/proc/stat`\'s busy time, so anything else the',
      'machine ran counts too): Ferry\'s processes, the two registries, and the rest (NATS, Postgres, the notifier, the',
      'benchmark itself). "Ceiling" is the runs per second the cores would allow if every one of them were busy with',
      `runs at that cost (${cpus().length} cores); "busy" is how much of the cores the span used. The load average was ${loadBefore.toFixed(1)} when the benchmark began.`,
      '',
      '| workers | machine CPU per run | Ferry | registries | the rest | busy | ceiling, runs/s |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...machine,
      '',
      ...lines,
      '',
    ].join('\n');
    writeSection('scheduling-benchmark', 'e2e/src/bench/scheduling.bench.ts', doc);
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
