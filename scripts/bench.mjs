// `npm run bench [-- <engine options>]`: builds, then runs the engine benchmark (Ferry's engine
// beside skopeo sync) with the options given, then the scheduling, time-to-start, read-model lag,
// push-to-target and discovery benchmarks.
// `--quick` (one engine round, nothing written) skips the others, which only write; `--large` adds
// the discovery of 10,000 repositories to that of 1,000.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt, root } from './toolchain.mjs';

const args = process.argv.slice(2);
ensureBuilt();
const benches = [
  ['engine.bench.js', args],
  ...(args.includes('--quick') ? [] : [['scheduling.bench.js', []], ['time-to-start.bench.js', []], ['projection-lag.bench.js', []], ['push-latency.bench.js', []], ['proxy-cache.bench.js', []], ['discovery.bench.js', args.filter((a) => a === '--large')], ['verification.bench.js', []]]),
];
for (const [file, benchArgs] of benches) {
  const r = spawnSync(process.execPath, [join(root, 'e2e/dist/bench', file), ...benchArgs], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
