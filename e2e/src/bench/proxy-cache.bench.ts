/**
 * Pull-through benchmark (part of `npm run bench`): the anchor corpus's `bench/layered` images
 * pulled through Ferry's registry front (a proxy-cache organization), through `docker-registry` in
 * proxy mode (`proxy.remoteurl`), and straight from the upstream, cold and warm, in the same run,
 * interleaved, medians. Time to first byte (the first byte of the image's first blob, manifests
 * included) and total time per image, as ratios. Writes its section of docs/benchmarks.md.
 */
import { cpus, loadavg } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { busyCpuSeconds, createTestDatabase, freePort, processCpuSeconds, makeTokenSigningFiles, pushImage, pushMultiArch, startRegistry, testEventLogNames, type LayerSpec, type RunningRegistry } from '@ferry/testing';
import { apiClient } from '../api-client';
import { destroyEventLog } from '../event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from '../ferry-processes';
import { startRegistryFront, type RegistryFront } from '../registry-front-process';
import { percentile, writeSection } from './bench-kit';

const ROUNDS = Number(process.env.BENCH_PROXY_ROUNDS ?? 3);
const SERVICE = 'ferry-registry';
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
/** The images pulled, in order: four of the anchor corpus's layered tags (sharing 72 MiB of base layers) and a multi-arch index. */
const TAGS = ['v1.0', 'v1.1', 'v1.2', 'v1.3', 'multi-0'];
const dispatcher = new Agent({ connections: 16 });

interface Pull {
  ttfbMs: number;
  totalMs: number;
  bytes: number;
}

/** CPU seconds spent while one pull of the corpus ran: the whole machine's, and the parts that serve it. */
interface PullCpu {
  machine: number;
  /** The client (this process). */
  client: number;
  /** What answered the client: the upstream registry, the proxy registry, or the front. */
  server: number;
  /** What sits behind it: the upstream for a proxy or the front (cold), the target registry for the front. */
  behind: number;
}

/** Runs one pull, counting the CPU each named part spent meanwhile. */
async function measured(server: () => number, behind: () => number, pull: () => Promise<Pull[]>): Promise<{ pulls: Pull[]; cpu: PullCpu }> {
  const client = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  const before = { machine: busyCpuSeconds(), client: client(), server: server(), behind: behind() };
  const pulls = await pull();
  return { pulls, cpu: { machine: busyCpuSeconds() - before.machine, client: client() - before.client, server: server() - before.server, behind: behind() - before.behind } };
}

/** A client's pull of one image: the manifest (an index's first platform), then every blob at once, each read to its end. */
async function pullImage(base: string, repo: string, tag: string, authorization: string | null): Promise<Pull> {
  const auth: Record<string, string> = authorization ? { authorization } : {};
  const started = performance.now();
  const manifest = async (reference: string) => {
    const res = await request(`${base}/v2/${repo}/manifests/${reference}`, { headers: { accept: ACCEPT, ...auth }, dispatcher });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${base} ${repo}:${reference}: ${res.statusCode} ${text.slice(0, 200)}`);
    return JSON.parse(text) as { manifests?: { digest: string }[]; config?: { digest: string; size: number }; layers?: { digest: string; size: number }[] };
  };
  let doc = await manifest(tag);
  if (doc.manifests) doc = await manifest(doc.manifests[0]!.digest);
  let first: number | null = null;
  let bytes = 0;
  await Promise.all(
    [doc.config!, ...doc.layers!].map(async (d) => {
      const res = await request(`${base}/v2/${repo}/blobs/${d.digest}`, { headers: auth, dispatcher });
      if (res.statusCode !== 200) throw new Error(`${base} ${repo}@${d.digest}: ${res.statusCode} ${(await res.body.text()).slice(0, 200)}`);
      let got = 0;
      for await (const chunk of res.body) {
        first ??= performance.now();
        got += (chunk as Buffer).length;
      }
      if (got !== d.size) throw new Error(`${base} ${repo}@${d.digest}: ${got} bytes of ${d.size}`);
      bytes += got;
    }),
  );
  return { ttfbMs: (first ?? performance.now()) - started, totalMs: performance.now() - started, bytes };
}

async function pullCorpus(base: string, repo: string, authorization: string | null): Promise<Pull[]> {
  const pulls: Pull[] = [];
  for (const tag of TAGS) pulls.push(await pullImage(base, repo, tag, authorization));
  // BENCH_VERBOSE=1: each image's pull, to see which of them a change moved.
  if (process.env.BENCH_VERBOSE) process.stderr.write(`bench: ${base} ${repo}: ${pulls.map((p, i) => `${TAGS[i]} ${p.totalMs.toFixed(0)} ms (first byte ${p.ttfbMs.toFixed(0)})`).join(', ')}\n`);
  return pulls;
}

async function buildCorpus(upstream: RunningRegistry): Promise<void> {
  const base: LayerSpec[] = [
    { seed: 'bench/base-os', size: 48 * 1024 * 1024 },
    { seed: 'bench/base-runtime', size: 24 * 1024 * 1024 },
  ];
  for (let i = 0; i < 4; i++) {
    await pushImage(upstream.url, 'bench/layered', `v1.${i}`, { mediaType: i % 2 ? 'oci' : 'docker', layers: [...base, { seed: `bench/app-${i}`, size: 512 * 1024 }, { seed: `bench/cfg-${i}`, size: 16 * 1024 }] });
  }
  await pushMultiArch(upstream.url, 'bench/layered', 'multi-0', {
    seed: 'bench/multi-0',
    flavour: 'oci',
    layers: [{ seed: 'bench/multi-base-0', size: 8 * 1024 * 1024 }],
    platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'arm', variant: 'v7' }],
  });
}

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  const names = testEventLogNames();
  const dir = mkdtempSync(join(tmpdir(), 'ferry-proxy-bench-'));
  const keys = makeTokenSigningFiles(dir, 'ferry');
  const apiPort = await freePort();
  const [upstream, target, db] = await Promise.all([
    startRegistry(),
    startRegistry({ trustTokenService: { realm: `http://127.0.0.1:${apiPort}/v2/auth`, service: SERVICE, issuer: 'ferry', rootCertBundle: keys.certPath } }),
    createTestDatabase(),
  ]);
  let ferry: FerryProcesses | null = null;
  let front: RegistryFront | null = null;
  const started = Date.now();
  const loadBefore = loadavg()[0]!;
  try {
    process.stderr.write('bench: building the corpus\n');
    await buildCorpus(upstream);
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      FERRY_API_PORT: String(apiPort),
      FERRY_TOKEN_SIGNING_KEY: keys.keyPath,
      FERRY_TOKEN_SIGNING_CERT: keys.certPath,
      FERRY_REGISTRY_SERVICE: SERVICE,
      FERRY_LOG_LEVEL: 'warn',
    });
    // BENCH_PROFILE_FRONT=<dir>: the front writes a CPU profile there when it stops (--cpu-prof), to see what its pulls cost.
    const profileDir = process.env.BENCH_PROFILE_FRONT;
    // The front reads the target's storage (its filesystem root, as a deployment mounts it); BENCH_FRONT_STORAGE=off: through the target's API only.
    const storage: Record<string, string> = process.env.BENCH_FRONT_STORAGE === 'off' ? {} : { FERRY_FRONT_TARGET_STORAGE: target.rootDir };
    mkdirSync(target.rootDir, { recursive: true });
    front = await startRegistryFront(ferry.env, { ...storage, ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}) });
    const api = apiClient(() => ferry!);
    const basic = `Basic ${Buffer.from(`admin:${ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD}`).toString('base64')}`;
    const results: Record<'direct' | 'distributionCold' | 'distributionWarm' | 'ferryCold' | 'ferryWarm' | 'target', Pull[][]> = { direct: [], distributionCold: [], distributionWarm: [], ferryCold: [], ferryWarm: [], target: [] };
    const cpuOf: Record<keyof typeof results, PullCpu[]> = { direct: [], distributionCold: [], distributionWarm: [], ferryCold: [], ferryWarm: [], target: [] };
    const frontCpu = () => processCpuSeconds(front!.child.pid!);
    const none = () => 0;
    const run = async (what: keyof typeof results, server: () => number, behind: () => number, pull: () => Promise<Pull[]>) => {
      const { pulls, cpu } = await measured(server, behind, pull);
      results[what].push(pulls);
      cpuOf[what].push(cpu);
    };
    for (let round = 0; round < ROUNDS; round++) {
      // A fresh cache for each tool each round: a new proxy-cache organization, a new proxy registry.
      const org = `cache${round}`;
      for (const [what, res] of [
        ['organization', await api('POST', '/organization/', { name: org })],
        ['proxy cache', await api('POST', `/organization/${org}/proxycache`, { upstream_registry: `${upstream.host}/bench`, insecure: true })],
      ] as const) {
        if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.json)}`);
      }
      // A client holds its token for its lifetime: fetched once, outside the timing.
      const tokenAnswer = await request(`${ferry.apiUrl}/v2/auth?service=${SERVICE}&scope=${encodeURIComponent(`repository:${org}/layered:pull`)}`, { headers: { authorization: basic } });
      const bearer = `Bearer ${((await tokenAnswer.body.json()) as { token: string }).token}`;
      const proxy = await startRegistry({ proxyRemoteUrl: upstream.url });
      const tools = [
        async () => run('direct', upstream.cpuSeconds, none, () => pullCorpus(upstream.url, 'bench/layered', null)),
        async () => {
          await run('distributionCold', proxy.cpuSeconds, upstream.cpuSeconds, () => pullCorpus(proxy.url, 'bench/layered', null));
          await new Promise((r) => setTimeout(r, 2_000));
          await run('distributionWarm', proxy.cpuSeconds, upstream.cpuSeconds, () => pullCorpus(proxy.url, 'bench/layered', null));
        },
        async () => {
          await run('ferryCold', frontCpu, upstream.cpuSeconds, () => pullCorpus(front!.url, `${org}/layered`, bearer));
          await waitUntilStored(front!.url, `${org}/layered`, bearer);
          await new Promise((r) => setTimeout(r, 2_000));
          await run('ferryWarm', frontCpu, target.cpuSeconds, () => pullCorpus(front!.url, `${org}/layered`, bearer));
          // The control: the same warm pulls from the target itself, with the same token (what the front's hop costs).
          await run('target', target.cpuSeconds, none, () => pullCorpus(target.url, `${org}/layered`, bearer));
        },
      ];
      // Who goes first rotates per round.
      for (let i = 0; i < tools.length; i++) await tools[(i + round) % tools.length]!();
      await proxy.stop();
      process.stderr.write(`bench: round ${round + 1}/${ROUNDS} done\n`);
    }
    const total = (runs: Pull[][]) => median(runs.map((pulls) => sum(pulls.map((p) => p.totalMs))));
    const ttfb = (runs: Pull[][]) => median(runs.flat().map((p) => p.ttfbMs));
    const rows = [
      ['straight from the upstream', results.direct],
      ['docker-registry proxy, cold', results.distributionCold],
      ['docker-registry proxy, warm', results.distributionWarm],
      ["Ferry's front, cold", results.ferryCold],
      ["Ferry's front, warm", results.ferryWarm],
      ['the target itself, warm (token auth, no front)', results.target],
    ] as const;
    const mib = (sum(results.direct[0]!.map((p) => p.bytes)) / 1024 / 1024).toFixed(0);
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    const table = [
      '| pulls of the corpus | total, median of rounds (ms) | time to first byte, median of pulls (ms) |',
      '| --- | ---: | ---: |',
      ...rows.map(([label, runs]) => `| ${label} | ${total(runs).toFixed(0)} | ${ttfb(runs).toFixed(1)} |`),
    ].join('\n');
    const ratios = [
      '| ratio | total | time to first byte | target |',
      '| --- | ---: | ---: | --- |',
      `| Ferry warm / docker-registry proxy warm | ${ratio(total(results.ferryWarm), total(results.distributionWarm))} | ${ratio(ttfb(results.ferryWarm), ttfb(results.distributionWarm))} | ≤ 1 |`,
      `| Ferry cold / straight from the upstream | ${ratio(total(results.ferryCold), total(results.direct))} | ${ratio(ttfb(results.ferryCold), ttfb(results.direct))} | ≤ 1.2 |`,
      `| Ferry warm / the target itself | ${ratio(total(results.ferryWarm), total(results.target))} | ${ratio(ttfb(results.ferryWarm), ttfb(results.target))} | |`,
      `| Ferry cold / docker-registry proxy cold | ${ratio(total(results.ferryCold), total(results.distributionCold))} | ${ratio(ttfb(results.ferryCold), ttfb(results.distributionCold))} | |`,
    ].join('\n');
    const cores = cpus().length;
    const cpuRow = (label: string, what: keyof typeof results, server: string, behind: string) => {
      const c = cpuOf[what];
      const wall = total(results[what]) / 1000;
      const machineCpu = median(c.map((x) => x.machine));
      return `| ${label} | ${wall.toFixed(2)} s | ${median(c.map((x) => x.client)).toFixed(2)} s | ${server} ${median(c.map((x) => x.server)).toFixed(2)} s | ${behind ? `${behind} ${median(c.map((x) => x.behind)).toFixed(2)} s` : '—'} | ${machineCpu.toFixed(2)} s | ${(machineCpu / cores).toFixed(2)} s |`;
    };
    const cpuTable = [
      '| pulls of the corpus | wall (median) | client CPU | serving process CPU | behind it | whole machine CPU | floor (machine CPU / cores) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      cpuRow('straight from the upstream', 'direct', 'upstream', ''),
      cpuRow('docker-registry proxy, cold', 'distributionCold', 'proxy', 'upstream'),
      cpuRow('docker-registry proxy, warm', 'distributionWarm', 'proxy', 'upstream'),
      cpuRow("Ferry's front, cold", 'ferryCold', 'front', 'upstream'),
      cpuRow("Ferry's front, warm", 'ferryWarm', 'front', 'target'),
      cpuRow('the target itself, warm', 'target', 'target', ''),
    ].join('\n');
    const minutes = ((Date.now() - started) / 60_000).toFixed(1);
    process.stdout.write(`${table}\n\n${ratios}\n\n${cpuTable}\n\nbench: ${minutes} min\n`);
    const doc = [
      '## Pull through a cache',
      '',
      `The anchor corpus's \`bench/layered\` images (${TAGS.join(', ')}: four images sharing a 48 MiB and a 24 MiB base layer,`,
      `Docker schema2 and OCI, and an OCI index whose linux/amd64 image is pulled; ${mib} MiB of blobs in all) pulled in order by one client`,
      'that fetches each manifest and then every blob of the image at once, reading each to its end: through Ferry\'s registry front',
      '(a proxy-cache organization over the upstream, the front in front of a `docker-registry` that trusts Ferry\'s token service',
      'and reading its storage, `BENCH_FRONT_STORAGE=off`: through its API only;',
      'the client\'s token is fetched once, outside the timing, as a client keeps it), through `docker-registry` (distribution 2.8)',
      'in proxy mode (`proxy.remoteurl`, no auth), and straight from the upstream `docker-registry`. Cold: a new proxy-cache',
      'organization and a new proxy registry each round (the target registry is the same across rounds, so blobs a previous',
      'round stored may already be in its storage, though not in the new organization\'s repository); warm: the same pulls again',
      'once both caches have stored everything. Time to first byte: from the start of a pull to the first byte of its first',
      'blob (the manifests included). Who goes first rotates per round;',
      `${ROUNDS} rounds, medians. Made with \`npm run bench\` (\`node e2e/dist/bench/proxy-cache.bench.js\`) on ${cpus().length} cores, on ${new Date().toISOString().slice(0, 10)}, ${minutes} minutes; every registry, NATS and Postgres on the same machine.`,
      `The machine's load average (1 min) was ${loadBefore.toFixed(1)} when the run began and ${loadavg()[0]!.toFixed(1)} when it ended, on ${cpus().length} cores.`,
      '',
      table,
      '',
      ratios,
      '',
      'Where the CPU went, per pull of the corpus (medians of the rounds; from `/proc`, over the pull\'s own span; the whole',
      'machine\'s busy time includes the target\'s and NATS\'s work behind a cold answer, and anything else the machine ran).',
      '"Floor" is the shortest pull that CPU allows if it were spread perfectly over the cores: a pull near its floor is',
      'bound by the CPU it takes, not by waiting.',
      '',
      cpuTable,
      '',
      'Reading the figures. The last row of the first table is the control: the same warm pulls from the target registry',
      'itself with the same token, and the target with token auth against the proxy registry without auth is what the',
      'authorization costs. The front reads the target\'s storage (`FERRY_FRONT_TARGET_STORAGE`, the registry\'s',
      'filesystem root, as compose mounts it): a warm blob goes to the client straight from the blob\'s file once the front',
      'has checked the client\'s token as the registry would (signature, issuer, audience, expiry, `pull` on the repository;',
      'kept until it expires) and that the repository links the blob. So a warm pull crosses one process, as with',
      'distribution\'s proxy, which also answers from its own disk; "Ferry warm / the target itself" is then the front\'s',
      'Node.js against the registry\'s Go (which sends files with sendfile; the front copies through two reused 1 MiB',
      'buffers). Manifests still come from the registry, with the client\'s own token (its content negotiation stays',
      'its own). Without the setting every warm blob is relayed through the registry, a second hop that costs a loaded',
      '2-core machine about as much again (see the before and after below). A cold pull streams each blob from the upstream',
      'to the client as it arrives, hashes every byte before it ends a client\'s answer (a client never takes a wrong or',
      'short blob for the digest) and writes the same bytes to a file in the storage, renamed into place and linked only',
      'once the digest matched (a fill that fails leaves nothing); what the storage does not hold is a miss without asking',
      'the registry first. For an index every platform\'s image is stored behind the answer, so the index is complete in',
      'the target. The cold target (within 1.2 times a direct pull) is not reached: a cold pull is one process more than a',
      'direct one, which receives, hashes and writes every byte besides sending it; distribution\'s proxy, doing the',
      'same in Go, is about as far from it.',
      '',
    ].join('\n');
    writeSection('proxy-cache-benchmark', 'e2e/src/bench/proxy-cache.bench.ts', doc);
  } finally {
    await front?.stop();
    await ferry?.stopAll();
    await destroyEventLog(names).catch(() => undefined);
    await Promise.all([upstream.stop(), target.stop()]);
    await db.drop();
    await dispatcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Until the front answers every tag of the corpus from the target (its fills are behind the cold answers). */
async function waitUntilStored(base: string, repo: string, authorization: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (const tag of TAGS) {
    for (;;) {
      const res = await request(`${base}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept: ACCEPT, authorization }, dispatcher });
      await res.body.dump();
      if (res.headers['x-ferry-cache'] === 'hit') break;
      if (Date.now() > deadline) throw new Error(`${repo}:${tag} was not stored within 120 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
