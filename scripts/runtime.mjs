// Prints the path of the Node.js that Ferry runs on: the version in .nvmrc (a supported LTS). When
// the machine's own node is another major version (Debian's is 20, past its end of life), it takes
// that version's official build from the npm registry's node-<platform>-<arch> package, checked
// against the integrity pinned below, into .toolchain/ in the checkout, once. Written for any Node
// from 18 on, since the machine's own node runs it. Messages go to stderr: stdout is the path.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = readFileSync(join(root, '.nvmrc'), 'utf8').trim();
/** The npm registry's integrity of each platform's package at `version`; a new .nvmrc needs new ones. */
const INTEGRITY = {
  '24.21.0': {
    'linux-x64': 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==',
    'linux-arm64': 'sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==',
  },
};

function fail(message) {
  process.stderr.write(`ferry: ${message}\n`);
  process.exit(1);
}

function runtime() {
  if (process.versions.node.split('.')[0] === version.split('.')[0]) return process.execPath;
  const platform = `${process.platform}-${process.arch}`;
  const dir = join(root, '.toolchain', `node-v${version}-${platform}`);
  const node = join(dir, 'bin', 'node');
  if (existsSync(node)) return node;
  const integrity = INTEGRITY[version]?.[platform];
  if (!integrity) {
    fail(`Ferry runs on Node.js ${version.split('.')[0]} (this is ${process.version} on ${platform}); install it (https://nodejs.org, or nvm install) and run this again`);
  }
  process.stderr.write(`ferry: this machine's Node.js is ${process.version}; fetching Node.js ${version} (npm package node-${platform}) into .toolchain/\n`);
  mkdirSync(join(root, '.toolchain'), { recursive: true });
  const work = mkdtempSync(join(root, '.toolchain', '.fetch-'));
  try {
    const pack = spawnSync('npm', ['pack', `node-${platform}@${version}`, '--pack-destination', work, '--silent'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (pack.status !== 0) fail(`npm pack node-${platform}@${version} failed`);
    const tarball = join(work, pack.stdout.trim().split('\n').pop());
    const digest = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (digest !== integrity) fail(`node-${platform}@${version} from the registry is not the one pinned in scripts/runtime.mjs (${digest})`);
    const unpacked = join(work, 'node');
    mkdirSync(unpacked);
    // bin/node, and the headers node-gyp builds native addons against.
    const tar = spawnSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1', 'package/bin/node', 'package/include'], { stdio: 'inherit' });
    if (tar.status !== 0) fail(`could not unpack ${tarball}`);
    if (!existsSync(node)) renameSync(unpacked, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return node;
}

process.stdout.write(`${runtime()}\n`);
