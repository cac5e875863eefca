/**
 * `npm run bench`: Ferry's engine (driven through the `ferry` command) against `skopeo sync` on the
 * same machine, in the same run, interleaved, medians of several rounds. Writes docs/benchmarks.md.
 *
 *   node libs/sync-engine/dist/bench/bench.js [--rounds N] [--no-big] [--no-write]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { startRegistry, pushImage, pushMultiArch, type RunningRegistry, type LayerSpec } from '@ferry/testing';
import { ConcurrencyLimit } from '../concurrency-limit';
import { startCountingProxy, type CountingProxy } from './counting-proxy';

const argv = process.argv.slice(2);
const ROUNDS = Number(argv[argv.indexOf('--rounds') + 1]) > 0 && argv.includes('--rounds') ? Number(argv[argv.indexOf('--rounds') + 1]) : 5;
const BIG = !argv.includes('--no-big');
const WRITE = !argv.includes('--no-write');
const ROOT = resolve(__dirname, '../../../..');
const FERRY = join(ROOT, 'libs/sync-engine/dist/cli/ferry.js');

interface RunMeasure {
  seconds: number;
  peakRssMb: number;
  upstreamRequests: number;
  targetRequests: number;
  bytesMoved: number;
}

/** Runs a command, sampling its peak RSS (VmHWM) from /proc until it exits. */
function measure(cmd: string, args: string[]): Promise<{ seconds: number; peakRssMb: number; stderr: string; code: number }> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
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
      resolvePromise({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssMb: peak / 1024, stderr, code: code ?? 1 });
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
  for (let i = 0; i < 12; i++) {
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
  for (let i = 0; i < 3; i++) {
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
  for (let i = 0; i < 500; i++) {
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

async function runFerry(up: CountingProxy, tgt: CountingProxy, repo: string, stateFile: string, target: RunningRegistry): Promise<RunMeasure> {
  up.reset();
  tgt.reset();
  const before = await blobBytes(target);
  const r = await measure(process.execPath, [
    FERRY, 'sync', `${up.host}/${repo}`, `${tgt.host}/${repo}`, '--tags', '*', '--src-tls-verify=false', '--dest-tls-verify=false', '--state-file', stateFile, '--quiet',
  ]);
  if (r.code !== 0) throw new Error(`ferry failed (${r.code}): ${r.stderr}`);
  return { seconds: r.seconds, peakRssMb: r.peakRssMb, upstreamRequests: up.requests, targetRequests: tgt.requests, bytesMoved: (await blobBytes(target)) - before };
}

async function runSkopeo(up: CountingProxy, tgt: CountingProxy, repo: string, target: RunningRegistry): Promise<RunMeasure> {
  up.reset();
  tgt.reset();
  const before = await blobBytes(target);
  const destNs = repo.split('/').slice(0, -1).join('/');
  const r = await measure('skopeo', [
    'sync', '--all', '--preserve-digests', '--src-tls-verify=false', '--dest-tls-verify=false', '--src', 'docker', '--dest', 'docker', `${up.host}/${repo}`, `${tgt.host}/${destNs}`,
  ]);
  if (r.code !== 0) throw new Error(`skopeo failed (${r.code}): ${r.stderr}`);
  return { seconds: r.seconds, peakRssMb: r.peakRssMb, upstreamRequests: up.requests, targetRequests: tgt.requests, bytesMoved: (await blobBytes(target)) - before };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

type Scenario = 'layered full' | 'layered no-op' | '500-tag full' | '500-tag no-op';

async function main(): Promise<void> {
  const upstream = await startRegistry();
  const upProxy = await startCountingProxy(upstream.host);
  const results: Record<Scenario, { ferry: RunMeasure[]; skopeo: RunMeasure[] }> = {
    'layered full': { ferry: [], skopeo: [] },
    'layered no-op': { ferry: [], skopeo: [] },
    '500-tag full': { ferry: [], skopeo: [] },
    '500-tag no-op': { ferry: [], skopeo: [] },
  };
  let big: { ferry: RunMeasure; skopeo: RunMeasure } | null = null;
  const work = mkdtempSync(join(tmpdir(), 'ferry-bench-'));
  try {
    process.stderr.write('bench: building the corpus\n');
    await buildCorpus(upstream);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [repo, label] of [['bench/layered', 'layered'], ['bench/tiny', '500-tag']] as const) {
        // Alternate who goes first, so neither tool always meets a warmer page cache.
        const order = round % 2 ? (['ferry', 'skopeo'] as const) : (['skopeo', 'ferry'] as const);
        for (const tool of order) {
          const target = await startRegistry();
          const tgtProxy = await startCountingProxy(target.host);
          try {
            const state = join(work, `state-${round}-${label}.json`);
            const full = tool === 'ferry' ? await runFerry(upProxy, tgtProxy, repo, state, target) : await runSkopeo(upProxy, tgtProxy, repo, target);
            const noop = tool === 'ferry' ? await runFerry(upProxy, tgtProxy, repo, state, target) : await runSkopeo(upProxy, tgtProxy, repo, target);
            results[`${label} full`][tool].push(full);
            results[`${label} no-op`][tool].push(noop);
            process.stderr.write(`bench: round ${round} ${label} ${tool}: full ${full.seconds.toFixed(2)} s, no-op ${noop.seconds.toFixed(2)} s\n`);
          } finally {
            await tgtProxy.stop();
            await target.stop();
          }
        }
      }
    }
    if (BIG) {
      process.stderr.write('bench: pushing a 1 GiB layer\n');
      await pushImage(upstream.url, 'bench/big', 'v1', { mediaType: 'oci', layers: [{ seed: 'bench/big', size: 1024 * 1024 * 1024 }] });
      const run = async (tool: 'ferry' | 'skopeo') => {
        const target = await startRegistry();
        const tgtProxy = await startCountingProxy(target.host);
        try {
          return tool === 'ferry' ? await runFerry(upProxy, tgtProxy, 'bench/big', join(work, 'state-big.json'), target) : await runSkopeo(upProxy, tgtProxy, 'bench/big', target);
        } finally {
          await tgtProxy.stop();
          await target.stop();
        }
      };
      big = { ferry: await run('ferry'), skopeo: await run('skopeo') };
    }
  } finally {
    await upProxy.stop();
    await upstream.stop();
    rmSync(work, { recursive: true, force: true });
  }

  const rows: string[] = [];
  const fmt = (n: number, d = 2) => n.toFixed(d);
  rows.push('| scenario | Ferry (median) | skopeo (median) | ratio Ferry/skopeo | Ferry req up/target | skopeo req up/target | Ferry peak RSS | skopeo peak RSS | bytes moved Ferry / skopeo |');
  rows.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, r] of Object.entries(results)) {
    const f = (k: keyof RunMeasure, xs: RunMeasure[]) => median(xs.map((x) => x[k]));
    rows.push(
      `| ${name} | ${fmt(f('seconds', r.ferry))} s | ${fmt(f('seconds', r.skopeo))} s | **${fmt(f('seconds', r.ferry) / f('seconds', r.skopeo))}x** | ${f('upstreamRequests', r.ferry)} / ${f('targetRequests', r.ferry)} | ${f('upstreamRequests', r.skopeo)} / ${f('targetRequests', r.skopeo)} | ${fmt(f('peakRssMb', r.ferry), 0)} MB | ${fmt(f('peakRssMb', r.skopeo), 0)} MB | ${fmt(f('bytesMoved', r.ferry) / 1048576, 1)} / ${fmt(f('bytesMoved', r.skopeo) / 1048576, 1)} MiB |`,
    );
  }
  if (big) {
    rows.push(
      `| 1 GiB layer, full | ${fmt(big.ferry.seconds)} s | ${fmt(big.skopeo.seconds)} s | **${fmt(big.ferry.seconds / big.skopeo.seconds)}x** | ${big.ferry.upstreamRequests} / ${big.ferry.targetRequests} | ${big.skopeo.upstreamRequests} / ${big.skopeo.targetRequests} | **${fmt(big.ferry.peakRssMb, 0)} MB** | ${fmt(big.skopeo.peakRssMb, 0)} MB | ${fmt(big.ferry.bytesMoved / 1048576, 1)} / ${fmt(big.skopeo.bytesMoved / 1048576, 1)} MiB |`,
    );
  }
  const table = rows.join('\n');
  process.stdout.write(`${table}\n`);
  if (WRITE) {
    const doc = `# Benchmarks

Ferry's sync engine, driven through the \`ferry sync\` command, against \`skopeo sync --all --preserve-digests
--src-tls-verify=false --dest-tls-verify=false\` (skopeo ${'1.9'}), on the same machine in the same run: one upstream
\`docker-registry\` (distribution 2.8) holding the corpus, a fresh target \`docker-registry\` for every full mirror, a
counting reverse proxy in front of each registry (both tools go through it), the tools interleaved (who goes first
alternates), ${ROUNDS} rounds, medians.

Command: \`npm run bench\` (= \`node libs/sync-engine/dist/bench/bench.js --rounds ${ROUNDS}\`), run ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores.

Corpus (deterministic, real gzip): \`bench/layered\`: 12 tags sharing a 48 MiB and a 24 MiB base layer plus small
layers of their own (Docker schema2 and OCI alternating), and 3 multi-arch indexes (OCI index and Docker manifest
list, linux/amd64, arm64, arm/v7) sharing an 8 MiB layer; \`bench/tiny\`: 500 tags of tiny OCI images;
\`bench/big\`: one image with a 1 GiB layer (single run of each tool, for peak RSS).

Ferry is run with \`--state-file\`: it records what it wrote, so on a no-op re-sync an unchanged tag costs one upstream
HEAD (plus one tag listing per side). "bytes moved" is the growth of the target's blob store.

${table}

Targets (issue 3): layered full ≤ 0.45x, 500-tag full ≤ 0.4x, 500-tag no-op ≤ 0.2x, peak RSS < 150 MB while copying a 1 GiB layer.
`;
    writeFileSync(join(ROOT, 'docs/benchmarks.md'), doc);
    process.stderr.write('bench: wrote docs/benchmarks.md\n');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
