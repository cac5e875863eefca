/**
 * `npm run bench`: Ferry's engine (driven through the `ferry` command) against `skopeo sync` on the
 * same machine, in the same run, interleaved, medians of several rounds. Writes docs/benchmarks.md.
 *
 *   node e2e/dist/bench/engine.bench.js [--rounds N] [--only layered,tiny,big] [--no-big]
 *     [--no-write] [--quick] [--ferry-args '--blob-concurrency 16 ...']
 *
 * `--quick`: one round, no 1 GiB layer, nothing written (a minute or two, for trying a change).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { startRegistry, pushImage, pushMultiArch, reapedChildrenCpuSeconds, idleCpuSeconds, type RunningRegistry, type LayerSpec } from '@ferry/testing';
import {
  ConcurrencyLimit,
  DEFAULT_BLOB_CONCURRENCY,
  DEFAULT_CHUNK_SIZE_BYTES,
  DEFAULT_CHUNKED_THRESHOLD_BYTES,
  DEFAULT_CONNECTIONS_PER_HOST,
  DEFAULT_TAG_CONCURRENCY,
} from '@ferry/sync-engine';

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const QUICK = argv.includes('--quick');
const ROUNDS = Number(option('--rounds')) > 0 ? Number(option('--rounds')) : QUICK ? 1 : 5;
const ONLY = new Set((option('--only') ?? 'layered,tiny,big').split(','));
const BIG = !argv.includes('--no-big') && !QUICK && ONLY.has('big');
const WRITE = !argv.includes('--no-write') && !QUICK && option('--only') === undefined && option('--ferry-args') === undefined;
const FERRY_ARGS = (option('--ferry-args') ?? '').split(/\s+/).filter(Boolean);
const ROOT = resolve(__dirname, '../../..');
const FERRY = join(ROOT, 'libs/cli/dist/ferry.js');
const MiB = 1024 * 1024;
const DEFAULTS_NOTE =
  `tag concurrency ${DEFAULT_TAG_CONCURRENCY}, blob concurrency ${DEFAULT_BLOB_CONCURRENCY}, ${DEFAULT_CONNECTIONS_PER_HOST} connections per registry, ` +
  `blobs above ${DEFAULT_CHUNKED_THRESHOLD_BYTES / MiB} MiB uploaded in ${DEFAULT_CHUNK_SIZE_BYTES / MiB} MiB chunks`;

interface RunMeasure {
  seconds: number;
  peakRssMb: number;
  upstreamRequests: number;
  targetRequests: number;
  bytesMoved: number;
  /** CPU seconds (user + system) of the tool, of each registry, and idle across all cores, during the run. */
  toolCpu: number;
  upstreamCpu: number;
  targetCpu: number;
  idleCpu: number;
}

/** Runs a command, sampling its peak RSS (VmHWM) from /proc until it exits; its CPU is read once it has been reaped. */
function measure(cmd: string, args: string[]): Promise<{ seconds: number; peakRssMb: number; cpuSeconds: number; stderr: string; code: number }> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const cpuBefore = reapedChildrenCpuSeconds();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let peak = 0;
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]));
      } catch {
        // exited
      }
    };
    const timer = setInterval(sample, 10);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolvePromise({ seconds, peakRssMb: peak / 1024, cpuSeconds: reapedChildrenCpuSeconds() - cpuBefore, stderr, code: code ?? 1 });
    });
  });
}

async function blobBytes(registry: RunningRegistry): Promise<number> {
  const out = await new Promise<string>((res) => {
    const c = spawn('du', ['-sb', join(registry.rootDir, 'docker/registry/v2/blobs')]);
    let s = '';
    c.stdout.on('data', (d: Buffer) => (s += d.toString()));
    c.on('exit', () => res(s));
  });
  return Number(out.split(/\s/)[0] ?? 0);
}

async function buildCorpus(upstream: RunningRegistry): Promise<void> {
  const limit = new ConcurrencyLimit(8);
  const base: LayerSpec[] = [
    { seed: 'bench/base-os', size: 48 * 1024 * 1024 },
    { seed: 'bench/base-runtime', size: 24 * 1024 * 1024 },
  ];
  const layered: Array<Promise<unknown>> = [];
  for (let i = 0; i < (ONLY.has('layered') ? 12 : 0); i++) {
    layered.push(
      limit.run(() =>
        pushImage(upstream.url, 'bench/layered', `v1.${i}`, {
          mediaType: i % 2 ? 'oci' : 'docker',
          layers: [...base, { seed: `bench/app-${i}`, size: 512 * 1024 }, { seed: `bench/cfg-${i}`, size: 16 * 1024 }],
        }),
      ),
    );
  }
  await Promise.all(layered);
  for (let i = 0; i < (ONLY.has('layered') ? 3 : 0); i++) {
    await pushMultiArch(upstream.url, 'bench/layered', `multi-${i}`, {
      seed: `bench/multi-${i}`,
      flavour: i % 2 ? 'docker' : 'oci',
      layers: [{ seed: `bench/multi-base-${i % 2}`, size: 8 * 1024 * 1024 }],
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' },
        { os: 'linux', architecture: 'arm', variant: 'v7' },
      ],
    });
  }
  const tiny: Array<Promise<unknown>> = [];
  for (let i = 0; i < (ONLY.has('tiny') ? 500 : 0); i++) {
    tiny.push(
      limit.run(() =>
        pushImage(upstream.url, 'bench/tiny', `t${String(i).padStart(3, '0')}`, {
          mediaType: 'oci',
          layers: [{ seed: 'bench/tiny-base', size: 2048 }, { seed: `bench/tiny-${i}`, size: 256 }],
        }),
      ),
    );
  }
  await Promise.all(tiny);
}

/** Runs one tool against the registries, counting what each registry answered. */
async function runTool(tool: 'ferry' | 'skopeo', upstream: RunningRegistry, target: RunningRegistry, repo: string, stateFile: string): Promise<RunMeasure> {
  await Promise.all([upstream.resetRequestCount(), target.resetRequestCount()]);
  const before = await blobBytes(target);
  flushWrites();
  const destNs = repo.split('/').slice(0, -1).join('/');
  const cpuBefore = { upstream: upstream.cpuSeconds(), target: target.cpuSeconds(), idle: idleCpuSeconds() };
  const r =
    tool === 'ferry'
      ? await measure(process.execPath, [
          FERRY, 'sync', `${upstream.host}/${repo}`, `${target.host}/${repo}`, '--tags', '*', '--src-tls-verify=false', '--dest-tls-verify=false',
          '--state-file', stateFile, '--quiet', ...FERRY_ARGS,
        ])
      : await measure('skopeo', [
          'sync', '--all', '--preserve-digests', '--src-tls-verify=false', '--dest-tls-verify=false', '--src', 'docker', '--dest', 'docker',
          `${upstream.host}/${repo}`, `${target.host}/${destNs}`,
        ]);
  const cpu = { toolCpu: r.cpuSeconds, upstreamCpu: upstream.cpuSeconds() - cpuBefore.upstream, targetCpu: target.cpuSeconds() - cpuBefore.target, idleCpu: idleCpuSeconds() - cpuBefore.idle };
  if (r.code !== 0) throw new Error(`${tool} failed (${r.code}): ${r.stderr}`);
  const [upstreamRequests, targetRequests] = await Promise.all([upstream.settleRequestCount(), target.settleRequestCount()]);
  return { seconds: r.seconds, peakRssMb: r.peakRssMb, upstreamRequests, targetRequests, bytesMoved: (await blobBytes(target)) - before, ...cpu };
}

/**
 * Writes out what the page cache still holds for the disk (the corpus just pushed, up to 1 GiB,
 * or the other tool's copy) before a measured run, so that no tool pays for flushing what the
 * bench or the other tool wrote.
 */
function flushWrites(): void {
  execFileSync('sync');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

type Scenario = 'layered full' | 'layered no-op' | '500-tag full' | '500-tag no-op' | '1 GiB layer full';

/** Runs of each tool copying the 1 GiB layer (each run moves 1 GiB twice through the disk). */
const BIG_ROUNDS = 3;

async function main(): Promise<void> {
  const started = Date.now();
  const upstream = await startRegistry({ countRequests: true });
  const results: Record<Scenario, { ferry: RunMeasure[]; skopeo: RunMeasure[] }> = {
    'layered full': { ferry: [], skopeo: [] },
    'layered no-op': { ferry: [], skopeo: [] },
    '500-tag full': { ferry: [], skopeo: [] },
    '500-tag no-op': { ferry: [], skopeo: [] },
    '1 GiB layer full': { ferry: [], skopeo: [] },
  };
  const work = mkdtempSync(join(tmpdir(), 'ferry-bench-'));
  const repos = ([['bench/layered', 'layered', 'layered'], ['bench/tiny', '500-tag', 'tiny']] as const).filter(([, , key]) => ONLY.has(key));
  try {
    process.stderr.write('bench: building the corpus\n');
    await buildCorpus(upstream);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [repo, label] of repos) {
        // Alternate who goes first, so neither tool always meets a warmer page cache.
        const order = round % 2 ? (['ferry', 'skopeo'] as const) : (['skopeo', 'ferry'] as const);
        for (const tool of order) {
          const target = await startRegistry({ countRequests: true });
          try {
            const state = join(work, `state-${round}-${label}.json`);
            const full = await runTool(tool, upstream, target, repo, state);
            const noop = await runTool(tool, upstream, target, repo, state);
            results[`${label} full`][tool].push(full);
            results[`${label} no-op`][tool].push(noop);
            process.stderr.write(
              `bench: round ${round} ${label} ${tool}: full ${full.seconds.toFixed(2)} s (${full.upstreamRequests}/${full.targetRequests} requests), ` +
                `no-op ${noop.seconds.toFixed(2)} s (${noop.upstreamRequests}/${noop.targetRequests})\n`,
            );
          } finally {
            await target.stop();
          }
        }
      }
    }
    if (BIG) {
      process.stderr.write('bench: pushing a 1 GiB layer\n');
      await pushImage(upstream.url, 'bench/big', 'v1', { mediaType: 'oci', layers: [{ seed: 'bench/big', size: 1024 * 1024 * 1024 }] });
      for (let round = 1; round <= BIG_ROUNDS; round++) {
        for (const tool of round % 2 ? (['ferry', 'skopeo'] as const) : (['skopeo', 'ferry'] as const)) {
          const target = await startRegistry({ countRequests: true });
          try {
            const m = await runTool(tool, upstream, target, 'bench/big', join(work, `state-big-${round}.json`));
            results['1 GiB layer full'][tool].push(m);
            process.stderr.write(`bench: round ${round} 1 GiB layer ${tool}: ${m.seconds.toFixed(2)} s, peak RSS ${m.peakRssMb.toFixed(0)} MB\n`);
          } finally {
            await target.stop();
          }
        }
      }
    }
  } finally {
    await upstream.stop();
    rmSync(work, { recursive: true, force: true });
  }

  const rows: string[] = [];
  const fmt = (n: number, d = 2) => n.toFixed(d);
  rows.push('| scenario | Ferry (median) | skopeo (median) | ratio Ferry/skopeo | Ferry requests upstream / target | skopeo requests upstream / target | Ferry peak RSS | skopeo peak RSS | bytes moved Ferry / skopeo |');
  rows.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, r] of Object.entries(results)) {
    if (r.ferry.length === 0) continue;
    const f = (k: keyof RunMeasure, xs: RunMeasure[]) => median(xs.map((x) => x[k]));
    // Peak RSS is the highest of the runs, not their median.
    const peak = (xs: RunMeasure[]) => Math.max(...xs.map((x) => x.peakRssMb));
    const runs = name === '1 GiB layer full' ? ` (${r.ferry.length} runs)` : '';
    rows.push(
      `| ${name}${runs} | ${fmt(f('seconds', r.ferry))} s | ${fmt(f('seconds', r.skopeo))} s | **${fmt(f('seconds', r.ferry) / f('seconds', r.skopeo))}x** | ${f('upstreamRequests', r.ferry)} / ${f('targetRequests', r.ferry)} | ${f('upstreamRequests', r.skopeo)} / ${f('targetRequests', r.skopeo)} | ${fmt(peak(r.ferry), 0)} MB | ${fmt(peak(r.skopeo), 0)} MB | ${fmt(f('bytesMoved', r.ferry) / 1048576, 1)} / ${fmt(f('bytesMoved', r.skopeo) / 1048576, 1)} MiB |`,
    );
  }
  const measured = Object.values(results).filter((r) => r.ferry.length);
  const perRound: string[] = ['| round | ' + Object.keys(results).filter((k) => results[k as Scenario].ferry.length).join(' | ') + ' |'];
  perRound.push(`| --- |${' --- |'.repeat(measured.length)}`);
  for (let i = 0; i < Math.max(...measured.map((r) => r.ferry.length)); i++) {
    const cells = measured.map((r) =>
      r.ferry[i] && r.skopeo[i] ? `${fmt(r.ferry[i].seconds)} / ${fmt(r.skopeo[i].seconds)} (${fmt(r.ferry[i].seconds / r.skopeo[i].seconds)}x)` : '—',
    );
    perRound.push(`| ${i + 1} | ${cells.join(' | ')} |`);
  }
  const cores = cpus().length;
  const cpuRows = [
    `| scenario | tool | wall | tool CPU | upstream registry CPU | target registry CPU | all three | floor (all three / ${cores} cores) | idle core-seconds |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  /** Medians of one tool's runs of a scenario: wall time, CPU of each process, idle cores. */
  const cpuMedians = (runs: RunMeasure[]) => {
    const m = (k: keyof RunMeasure) => median(runs.map((x) => x[k]));
    const registries = m('upstreamCpu') + m('targetCpu');
    return { wall: m('seconds'), tool: m('toolCpu'), upstream: m('upstreamCpu'), target: m('targetCpu'), registries, all: m('toolCpu') + registries, idle: m('idleCpu') };
  };
  for (const [name, r] of Object.entries(results)) {
    if (r.ferry.length === 0) continue;
    for (const tool of ['ferry', 'skopeo'] as const) {
      const c = cpuMedians(r[tool]);
      cpuRows.push(
        `| ${name} | ${tool === 'ferry' ? 'Ferry' : 'skopeo'} | ${fmt(c.wall)} s | ${fmt(c.tool)} s | ${fmt(c.upstream)} s | ${fmt(c.target)} s | ${fmt(c.all)} s | ${fmt(c.all / cores)} s | ${fmt(c.idle)} s |`,
      );
    }
  }
  const layered = results['layered full'];
  let floorNote = '';
  if (layered.ferry.length > 0) {
    const ferry = cpuMedians(layered.ferry);
    const skopeoWall = cpuMedians(layered.skopeo).wall;
    floorNote =
      `For the layered full mirror, the CPU that Ferry and the two registries spend allows no run shorter than ${fmt(ferry.all / cores)} s ` +
      `(**${fmt(ferry.all / cores / skopeoWall)}x** skopeo's median), however well the work is spread over the cores; ` +
      `Ferry's median run took ${fmt(ferry.wall)} s, with ${fmt(ferry.idle)} core-seconds idle. ` +
      `A copier that spent no CPU of its own would still wait ${fmt(ferry.registries / cores)} s for the registries ` +
      `(${fmt(ferry.registries / cores / skopeoWall)}x).`;
  }
  const table = rows.join('\n');
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  process.stdout.write(`${table}\n\nper round, seconds Ferry / skopeo:\n${perRound.join('\n')}\n\nCPU per run (medians):\n${cpuRows.join('\n')}\n${floorNote}\n\nbench: ${minutes} min\n`);
  if (WRITE) {
    const doc = `# Benchmarks

Ferry's sync engine, driven through the \`ferry sync\` command, against \`skopeo sync --all --preserve-digests
--src-tls-verify=false --dest-tls-verify=false\` (skopeo 1.9.3), on the same machine in the same run: one upstream
\`docker-registry\` (distribution 2.8) holding the corpus, a fresh target \`docker-registry\` for every full mirror
(the no-op re-sync runs against the target the full mirror just filled), both tools talking to the registries
directly; requests are counted from each registry's access log. The tools are interleaved (who goes first alternates
per round), ${ROUNDS} rounds, medians; before each measured run the page cache is written out (\`sync\`), so that
neither tool pays for flushing what was written before it. Wall time includes process start-up.

Command: \`npm run bench\` (= \`node e2e/dist/bench/engine.bench.js\`, ${ROUNDS} rounds), run ${new Date().toISOString().slice(0, 10)} on
${cpus().length} cores, ${minutes} minutes in all. \`npm run bench -- --quick\` runs one round without the 1 GiB layer and writes nothing.

Corpus (deterministic, real gzip): \`bench/layered\`: 12 tags sharing a 48 MiB and a 24 MiB base layer plus small
layers of their own (Docker schema2 and OCI alternating), and 3 multi-arch indexes (OCI index and Docker manifest
list, linux/amd64, arm64, arm/v7) sharing an 8 MiB layer; \`bench/tiny\`: 500 tags of tiny OCI images;
\`bench/big\`: one image with a 1 GiB layer (${BIG_ROUNDS} runs of each tool). Peak RSS is the VmHWM of the process running the engine, the highest of its runs.

Ferry runs with its defaults (${DEFAULTS_NOTE}) and \`--state-file\`: it records what it wrote, so on a no-op re-sync
an unchanged tag costs one upstream HEAD (plus one tag listing per side). "bytes moved" is the growth of the
target's blob store.

${table}

Per round, seconds Ferry / skopeo (ratio):

${perRound.join('\n')}

Targets (issue 3): layered full ≤ 0.45x, 500-tag full ≤ 0.4x, 500-tag no-op ≤ 0.2x, peak RSS < 150 MB while copying a 1 GiB layer.

### Where the CPU goes

The tool and both registries share the machine's ${cores} cores. Per run (medians), the CPU (user + system) of the
tool (read once it has exited), of each registry process, and the time the cores stood idle during the run, all from
\`/proc\`. "floor" is the shortest run that CPU allows if it were spread perfectly over the cores. A run far above
its floor, with cores idle, is bound by a serial chain instead: for the 1 GiB layer, the target registry taking in
one upload on one core.

${cpuRows.join('\n')}

${floorNote}
`;
    // The scheduling benchmark's section (npm run bench:scheduling) stays as it is.
    const page = join(ROOT, 'docs/benchmarks.md');
    const previous = existsSync(page) ? readFileSync(page, 'utf8') : '';
    const scheduling = previous.indexOf('<!-- scheduling-benchmark:');
    writeFileSync(page, scheduling >= 0 ? `${doc}\n${previous.slice(scheduling)}` : doc);
    process.stderr.write('bench: wrote docs/benchmarks.md\n');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
