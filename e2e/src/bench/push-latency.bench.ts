/**
 * Push-to-target benchmark (part of `npm run bench`): an upstream `docker-registry` whose
 * notifications go to a mirror's push hook; each round pushes a new tag upstream and times until
 * the target serves it with the same digest. Reports p50/p95 over the rounds. Writes its section
 * of docs/benchmarks.md.
 */
import { createTestDatabase, freePort, manifestDigest, pushImage, startRegistry, testEventLogNames } from '@ferry/testing';
import { apiClient, onDemandMirrorBody } from '../api-client';
import { destroyEventLog } from '../event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from '../ferry-processes';
import { percentile, writeSection } from './bench-kit';

const ROUNDS = Number(process.env.BENCH_PUSHES ?? 30);
/** The scheduler's look for due mirrors, in seconds (until it wakes on its own when a push makes a mirror due). */

async function main(): Promise<void> {
  const names = testEventLogNames();
  const upstreamPort = await freePort();
  const [target, db] = await Promise.all([startRegistry(), createTestDatabase()]);
  let ferry: FerryProcesses | null = null;
  let upstream: Awaited<ReturnType<typeof startRegistry>> | null = null;
  try {
    ferry = await startFerry({ ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }), FERRY_LOG_LEVEL: 'warn', REPO_MIRROR_INTERVAL: '30' });
    const api = apiClient(() => ferry!);
    const ok = (what: string, res: { status: number; json: unknown }) => {
      if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.json)}`);
      return res;
    };
    ok('organization', await api('POST', '/organization/', { name: 'bench' }));
    ok('robot', await api('PUT', '/organization/bench/robots/syncer', {}));
    ok('mirror', await api('POST', '/repository/bench/app/mirror', onDemandMirrorBody(`127.0.0.1:${upstreamPort}/bench/app`, 'bench+syncer', ['*'])));
    const hook = ok('hook', await api('POST', '/repository/bench/app/mirror/hooks', {})).json as { id: string; secret: string };
    upstream = await startRegistry({ port: upstreamPort, notifications: { url: `${ferry.apiUrl}/api/v1/hooks/${hook.id}`, headers: { Authorization: [`Bearer ${hook.secret}`] } } });

    const latencies: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const tag = `r${round}`;
      const pushedAt = Date.now();
      const image = await pushImage(upstream, 'bench/app', tag, { mediaType: 'oci', layers: [{ seed: `push-bench-${round}`, size: 64 * 1024 }] });
      const deadline = pushedAt + 60_000;
      while ((await manifestDigest(target, 'bench/app', tag)) !== image.digest) {
        if (Date.now() > deadline) throw new Error(`${tag} did not reach the target within 60 s`);
        await new Promise((r) => setTimeout(r, 25));
      }
      latencies.push(Date.now() - pushedAt);
      process.stderr.write(`bench: push ${tag} on the target after ${latencies.at(-1)} ms\n`);
      // Apart from the next push by more than the coalescing window, so each round is its own run.
      await new Promise((r) => setTimeout(r, 700));
    }
    latencies.sort((a, b) => a - b);
    const doc = [
      '## Push to target',
      '',
      `${ROUNDS} rounds: a new tag (one 64 KiB layer) pushed to a local \`docker-registry\` whose`,
      '`notifications.endpoints` deliver to a mirror\'s push hook, timed from the start of the push until the',
      'target serves the tag with the same digest. The mirror\'s interval is a day: every copy is a push run.',
      "The scheduler runs with its default settings (`REPO_MIRROR_INTERVAL=30`): it wakes when the hook's push makes the mirror due, after the",
      "hook's 500 ms coalescing window.",
      `Made with \`npm run bench\` on a 2-core machine, on ${new Date().toISOString().slice(0, 10)}; Postgres, NATS and the registries run on the same machine.`,
      '',
      '| pushes | p50 | p95 | max |',
      '| --- | --- | --- | --- |',
      `| ${ROUNDS} | ${(percentile(latencies, 50) / 1000).toFixed(2)} s | ${(percentile(latencies, 95) / 1000).toFixed(2)} s | ${(latencies.at(-1)! / 1000).toFixed(2)} s |`,
      '',
    ].join('\n');
    writeSection('push-latency-benchmark', 'e2e/src/bench/push-latency.bench.ts', doc);
    process.stdout.write(doc);
  } finally {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target.stop()]);
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
