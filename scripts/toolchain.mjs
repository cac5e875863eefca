// What `npm start` and `npm test` need before they can run: npm packages, a build, and the
// registry tools the tests and the benchmark drive. Each step is skipped when already done.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
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
  const installed = join(root, 'node_modules/.package-lock.json');
  const lock = join(root, 'package-lock.json');
  // Installed, and not since behind the lock file (a pull that added a package or a workspace).
  if (existsSync(installed) && !(existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs)) return;
  console.log(existsSync(installed) ? 'ferry: installing npm packages (package-lock.json changed)' : 'ferry: installing npm packages (first run)');
  run('npm', [existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install', '--no-audit', '--no-fund']);
}

export function ensureBuilt() {
  ensureDependencies();
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json']);
  // The web console: tsc has type-checked it; esbuild bundles it for mirror-config to serve.
  run(process.execPath, [join(root, 'libs/console/build.mjs')]);
}

/**
 * The Debian packages the tests drive, each with the command that shows it is installed and, for a
 * package whose install starts a service, how to know that service: its unit, its init script's
 * pidfile and what its command line holds (so that only the package's own process is stopped).
 */
const TEST_PACKAGES = [
  // A registry on :5000: Ferry's tests start their own on free ports, `npm start` its own on :5000.
  { name: 'docker-registry', bin: 'docker-registry', service: { unit: 'docker-registry', pidfile: '/run/docker-registry.pid', cmdline: (args) => args.includes('/etc/docker/registry/config.yml') } },
  { name: 'skopeo', bin: 'skopeo' },
  // The browser the web console's tests drive through playwright-core (which downloads none).
  { name: 'chromium', bin: 'chromium' },
  // Prometheus and promtool: the metrics e2e test and the alert rules' tests. Its service would
  // take :9090, the gRPC API's default port.
  { name: 'prometheus', bin: 'promtool', service: { unit: 'prometheus', pidfile: '/run/prometheus/prometheus.pid', cmdline: (args) => args[0] === '/usr/bin/prometheus' && !args.some((a) => a.startsWith('--config.file')) } },
];

/** docker-registry, skopeo and prometheus come from Debian; install those this machine lacks. */
export function ensureRegistryTools() {
  const missing = TEST_PACKAGES.filter((p) => !onPath(p.bin));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.name);
  const asRoot = process.getuid?.() === 0;
  const sudo = asRoot ? [] : onPath('sudo') ? ['sudo'] : null;
  if (!onPath('apt-get') || sudo === null) {
    throw new Error(`ferry: the tests need ${names.join(' and ')}; install them (Debian: apt-get install -y --no-install-recommends ${names.join(' ')})`);
  }
  console.log(`ferry: installing ${names.join(', ')} from Debian's packages`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const [cmd, ...pre] = sudo.length ? sudo : [];
  const apt = (args) => (cmd ? run(cmd, [...pre, 'apt-get', ...args], { env: aptEnv }) : run('apt-get', args, { env: aptEnv }));
  apt(['update', '-qq']);
  // Without recommends: prometheus would bring node-exporter and more along.
  apt(['install', '-y', '-qq', '--no-install-recommends', ...names]);
  // A package may start its service where it can; stop that one, and only that one.
  for (const { service } of missing) {
    const pid = service ? packageServicePid(service) : null;
    if (pid !== null) spawnSync(cmd ?? 'kill', cmd ? [...pre, 'kill', String(pid)] : [String(pid)], { stdio: 'ignore' });
  }
}

/**
 * The pid of the service a Debian package started: from its init script's pidfile, or systemd's
 * record of its unit, and only if that process's command line is the package's own. Null if none.
 */
function packageServicePid({ unit, pidfile, cmdline }) {
  const candidates = [];
  try {
    candidates.push(readFileSync(pidfile, 'utf8').trim());
  } catch {
    // No pidfile: not started by the init script.
  }
  if (existsSync('/run/systemd/system')) {
    const r = spawnSync('systemctl', ['show', '--property=MainPID', '--value', unit], { encoding: 'utf8' });
    if (r.status === 0) candidates.push(r.stdout.trim());
  }
  for (const pid of candidates) {
    if (!/^[1-9][0-9]*$/.test(pid)) continue;
    try {
      if (cmdline(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'))) return Number(pid);
    } catch {
      // Gone already.
    }
  }
  return null;
}



/**
 * The docker-registry command `npm start` runs as its local target: the one on PATH, else Debian's
 * package unpacked into .toolchain/ (apt-get download and dpkg-deb need no root, and no service of
 * the package's own starts, so nothing takes :5000 behind Ferry's back). Null, with the reason
 * logged, where neither works: the caller says what to install.
 */
export function registryCommand() {
  if (onPath('docker-registry')) return 'docker-registry';
  const dir = join(root, '.toolchain', 'docker-registry');
  const bin = join(dir, 'usr', 'bin', 'docker-registry');
  if (existsSync(bin)) return bin;
  if (!onPath('apt-get') || !onPath('dpkg-deb')) return null;
  console.log("ferry: docker-registry is not installed; unpacking Debian's package into .toolchain/");
  mkdirSync(join(root, '.toolchain'), { recursive: true });
  const work = mkdtempSync(join(root, '.toolchain', '.fetch-'));
  try {
    const download = () => spawnSync('apt-get', ['download', '-qq', 'docker-registry'], { cwd: work, encoding: 'utf8' });
    let got = download();
    // A machine that never read its package lists (a fresh image) can read them as root.
    if (got.status !== 0 && process.getuid?.() === 0) {
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
      got = download();
    }
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (got.status !== 0 || !deb) {
      console.error(`ferry: apt-get download docker-registry failed: ${(got.stderr || got.stdout || '').trim()}`);
      return null;
    }
    const unpacked = join(work, 'root');
    if (spawnSync('dpkg-deb', ['-x', join(work, deb), unpacked], { stdio: 'inherit' }).status !== 0) return null;
    if (!existsSync(bin)) renameSync(unpacked, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bin;
}
