// What `npm start` and `npm test` need before they can run: npm packages, a build, and the
// registry tools the tests and the benchmark drive. Each step is skipped when already done.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

export function onPath(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

export function ensureDependencies() {
  if (existsSync(join(root, 'node_modules/.package-lock.json'))) return;
  console.log('ferry: installing npm packages (first run)');
  run('npm', [existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install', '--no-audit', '--no-fund']);
}

export function ensureBuilt() {
  ensureDependencies();
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json']);
}

/** docker-registry and skopeo come from Debian; install them when this machine lacks them. */
export function ensureRegistryTools() {
  const missing = ['docker-registry', 'skopeo'].filter((b) => !onPath(b));
  if (missing.length === 0) return;
  const asRoot = process.getuid?.() === 0;
  const sudo = asRoot ? [] : onPath('sudo') ? ['sudo'] : null;
  if (!onPath('apt-get') || sudo === null) {
    throw new Error(`ferry: the tests need ${missing.join(' and ')}; install them (Debian: apt-get install -y docker-registry skopeo)`);
  }
  console.log(`ferry: installing ${missing.join(', ')} from Debian's packages`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const [cmd, ...pre] = sudo.length ? sudo : [];
  const apt = (args) => (cmd ? run(cmd, [...pre, 'apt-get', ...args], { env: aptEnv }) : run('apt-get', args, { env: aptEnv }));
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', 'docker-registry', 'skopeo']);
  // Debian's package starts a registry on :5000 where it can; Ferry's tests start their own (on
  // free ports), and `npm start` one of its own on :5000, so stop that one, and only that one.
  if (missing.includes('docker-registry')) {
    const pid = packageRegistryPid();
    if (pid !== null) spawnSync(cmd ?? 'kill', cmd ? [...pre, 'kill', String(pid)] : [String(pid)], { stdio: 'ignore' });
  }
}

/**
 * The pid of the registry Debian's package started: from its init script's pidfile, or systemd's
 * record of its unit, and only if that process is serving the package's own config. Null if none.
 */
function packageRegistryPid() {
  const candidates = [];
  try {
    candidates.push(readFileSync('/run/docker-registry.pid', 'utf8').trim());
  } catch {
    // No pidfile: not started by the init script.
  }
  if (existsSync('/run/systemd/system')) {
    const r = spawnSync('systemctl', ['show', '--property=MainPID', '--value', 'docker-registry'], { encoding: 'utf8' });
    if (r.status === 0) candidates.push(r.stdout.trim());
  }
  for (const pid of candidates) {
    if (!/^[1-9][0-9]*$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('/etc/docker/registry/config.yml')) return Number(pid);
    } catch {
      // Gone already.
    }
  }
  return null;
}


