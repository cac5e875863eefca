// `npm test`: installs what the suite needs, builds, checks the package manifests against the
// imports (scripts/check-deps.mjs), then runs unit, integration and e2e tests (node:test on the
// compiled output). `--tier unit|int|e2e` runs one tier.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureBuilt, ensureRegistryTools, root } from './toolchain.mjs';

const tierArg = process.argv.indexOf('--tier');
const only = tierArg >= 0 ? process.argv[tierArg + 1] : undefined;

function findSpecs(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) findSpecs(p, out);
    else if (/\.(unit|int|e2e)\.spec\.js$/.test(entry.name) && p.includes('/dist/')) out.push(p);
  }
  return out;
}

ensureBuilt();
if (only !== 'unit') ensureRegistryTools();

const specs = ['libs', 'services', 'e2e'].flatMap((d) => findSpecs(join(root, d)));
const tiers = [
  ['unit', /\.unit\.spec\.js$/],
  ['int', /\.int\.spec\.js$/],
  ['e2e', /\.e2e\.spec\.js$/],
].filter(([name]) => !only || name === only);

// Manifests first: a package that imports what its package.json or tsconfig.json does not declare
// builds here (npm hoists everything) and breaks elsewhere. The tiers still run; the result fails.
let failed = spawnSync(process.execPath, [join(root, 'scripts/check-deps.mjs')], { stdio: 'inherit', cwd: root }).status !== 0;
for (const [name, pattern] of tiers) {
  const files = specs.filter((f) => pattern.test(f));
  if (files.length === 0) continue;
  console.log(`\n== ${name} tests (${files.length} files) ==`);
  const r = spawnSync(
    process.execPath,
    ['--enable-source-maps', '--test', '--test-reporter=spec', `--test-concurrency=${name === 'unit' ? 4 : 2}`, ...files.map((f) => relative(root, f))],
    { stdio: 'inherit', cwd: root, env: { ...process.env, FERRY_LOG_LEVEL: process.env.FERRY_LOG_LEVEL ?? 'warn' } },
  );
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
