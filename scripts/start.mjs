// `npm start`: installs and builds on first use, makes sure Postgres, NATS (JetStream) and a target
// registry answer (starting local ones where it can), then runs Ferry's four services as separate
// processes until Ctrl-C or SIGTERM. Stopping stops the services first (a sync-worker hands its runs
// back over NATS), then the nats-server and docker-registry it started, each given a bounded time
// before it is killed; a Postgres it started is stopped with pg_ctl. It stops only processes it
// started, by their pids.
//
// At a terminal it also stops on SIGHUP and when the npm above it goes away. `npm start -- --detach`
// runs it in the background instead (output in .ferry/logs/ferry.log, pid in .ferry/ferry.pid,
// `npm stop` stops it), returning once every service is ready; and started with no terminal at all
// (under nohup, a supervisor, a pipe) it outlives its parent and a hangup, as those callers expect.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { backgroundPid, pidFileIn } from './background.mjs';
import { ensureBuilt, onPath, registryCommand, root } from './toolchain.mjs';

/** Keys, credentials and local data (FERRY_STATE_DIR, default `.ferry/` in the checkout). */
const state = process.env.FERRY_STATE_DIR ? resolve(process.env.FERRY_STATE_DIR) : join(root, '.ferry');
mkdirSync(state, { recursive: true });
/**
 * Every process's full output: each service's JSON log lines, the registry's access log, the
 * nats-server's. The console shows the services' lines in short and nothing of the others.
 */
const logDir = join(state, 'logs');
mkdirSync(logDir, { recursive: true });
/** `--detach`: the user's ask; `--detached`: this process is the background copy `--detach` started. */
const detach = process.argv.includes('--detach');
const detached = process.argv.includes('--detached');
/** The background copy's pid, while it runs (`npm stop` reads it). */
const pidFile = pidFileIn(state);
/**
 * Whether a terminal is attached, so its hangup (and the end of the npm above) means "stop". Node
 * resets an ignored SIGHUP to its default at start-up, so `nohup` is known by what it does to the
 * standard streams: none of them is a terminal then.
 */
const atTerminal = !detached && Boolean(process.stdin.isTTY || process.stdout.isTTY || process.stderr.isTTY);
const STOP_SIGNALS = atTerminal ? ['SIGTERM', 'SIGINT', 'SIGHUP'] : ['SIGTERM', 'SIGINT'];
/** A service gets this long to stop (it gives itself 10 s), nats-server and docker-registry 5 s; then SIGKILL. */
const SERVICE_GRACE_MS = 15_000;
const INFRA_GRACE_MS = 5_000;
/**
 * `{ name, child, infra, exited }` for every process started here (infra: nats-server or
 * docker-registry; exited: resolves once it has exited, or could not start).
 */
const children = [];
let stopping = false;

// A closed terminal must not crash us mid-stop with EIO/EPIPE on a write.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

function log(message) {
  console.log(`ferry: ${message}`);
}

const running = ({ child }) => child.exitCode === null && child.signalCode === null && child.pid !== undefined;

/** Reports and stops; before anything was started it exits at once, as the callers expect of it. */
function fail(message) {
  console.error(`ferry: ${message}`);
  if (!children.some(running)) process.exit(1);
  void stopAll(null, 1);
  return new Promise(() => undefined);
}

/** SIGTERM to each process of `group`, SIGKILL to those still there after `graceMs`; resolves when all have exited. */
async function stopGroup(group, graceMs) {
  const live = group.filter(running);
  const exited = Promise.all(live.map((entry) => entry.exited));
  for (const { child } of live) child.kill('SIGTERM');
  let timer;
  const inTime = await Promise.race([exited.then(() => true), new Promise((r) => (timer = setTimeout(r, graceMs, false)))]);
  clearTimeout(timer);
  if (inTime) return;
  for (const entry of live.filter(running)) {
    log(`${entry.name} (pid ${entry.child.pid}) did not stop within ${graceMs / 1000} s: killing it`);
    entry.child.kill('SIGKILL');
  }
  await exited;
}

/** Stops the services, then the nats-server and docker-registry they used, then exits (`reason`: what to log, if anything). */
async function stopAll(reason, code = 0) {
  if (stopping) return;
  stopping = true;
  if (reason) log(`${reason}: stopping`);
  await stopGroup(children.filter((c) => !c.infra), SERVICE_GRACE_MS);
  await stopGroup(children.filter((c) => c.infra), INFRA_GRACE_MS);
  process.exit(code);
}

for (const signal of STOP_SIGNALS) process.on(signal, () => void stopAll(signal));
if (!atTerminal) process.on('SIGHUP', () => log('SIGHUP: no terminal is attached, so it is not a stop; SIGTERM stops Ferry'));
if (atTerminal) {
  // npm forwards SIGTERM and SIGINT to us but dies of SIGHUP (or SIGKILL) alone: stop when it has gone.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && void stopAll(`the parent process ${parent} exited`), 1000).unref();
}

/**
 * Starts a child and follows it: all its output goes to `.ferry/logs/<name>.log`; a service's log
 * lines also reach the console, shortened (see `consoleLine`); its unexpected exit stops
 * everything. nats-server and docker-registry get their own process group, so a Ctrl-C at the
 * terminal reaches them only through us, after the services have stopped; with no terminal, the
 * services do too, so a hangup sent to our group (nohup's case) stops none of them.
 */
function startChild(name, cmd, args, { infra = false, env = process.env } = {}) {
  if (stopping) return null;
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: infra || !atTerminal });
  const file = join(logDir, `${name}.log`);
  const logFile = createWriteStream(file, { flags: 'a' });
  for (const stream of [child.stdout, child.stderr]) {
    stream.pipe(logFile, { end: false });
    if (!infra) eachLine(stream, (line) => showServiceLine(name, line));
  }
  child.on('error', (error) => void fail(`${name} could not start: ${error.message}`));
  child.on('exit', (code, signal) => {
    if (!stopping) void fail(`${name} exited (${signal ?? code}); stopping the others (its output is in ${file})`);
  });
  const exited = new Promise((r) => child.once('exit', r).once('error', r));
  children.push({ name, child, infra, exited });
  return child;
}

function answers(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

async function waitFor(host, port, what, seconds = 30) {
  for (let i = 0; i < seconds * 5; i++) {
    if (await answers(host, port, 200)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  return fail(`${what} did not start listening on ${host}:${port}`);
}

/** Calls `onLine` with each complete line `stream` writes (and the last one when it ends). */
function eachLine(stream, onLine) {
  let rest = '';
  stream.on('data', (d) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop();
    for (const line of lines) if (line.length) onLine(line);
  });
  stream.on('end', () => rest.length && onLine(rest));
}

const SERVICES = ['mirror-config', 'scheduler', 'sync-worker', 'notifier', 'registry-front'];
const ready = new Set();
/** Each service's metrics port, as it logs it at boot. */
const metricsUrls = new Map();
/** Where the registry front serves, as it logs it at boot. */
let frontUrl = null;

/**
 * A service's JSON log line, short: `[name] HH:MM:SS message`, with the level for warnings and
 * errors and an error's stack below it. Lines that are not JSON (a crash) pass through as they are.
 */
function consoleLine(name, line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return `[${name}] ${line}`;
  }
  if (!entry || typeof entry !== 'object' || typeof entry.msg !== 'string') return `[${name}] ${line}`;
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  const level = entry.level === 'info' ? '' : `${String(entry.level).toUpperCase()} `;
  const stack = entry.stack ?? entry.err?.stack;
  return `[${name}] ${time} ${level}${entry.msg}${stack ? `\n${String(stack).replace(/^/gm, '    ')}` : ''}`;
}

function showServiceLine(name, line) {
  process.stdout.write(`${consoleLine(name, line)}\n`);
  const metrics = /"msg":"metrics on (\S+?)\/metrics/.exec(line);
  if (metrics) metricsUrls.set(name, metrics[1]);
  const front = /"msg":"registry front on (\S+?)\/v2\//.exec(line);
  if (front) frontUrl = front[1];
  if (line.includes(`"msg":"ferry ${name} ready"`) && !ready.has(name)) {
    ready.add(name);
    if (SERVICES.every((s) => ready.has(s))) showReady();
  }
}

function postgresBinary(name) {
  if (onPath(name)) return name;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  for (const version of readdirSync(base).sort().reverse()) {
    const candidate = join(base, version, 'bin', name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

async function ensurePostgres(url) {
  const u = new URL(url);
  const host = u.hostname;
  const port = Number(u.port || 5432);
  if (!(await answers(host, port))) {
    const local = host === '127.0.0.1' || host === 'localhost';
    const initdb = postgresBinary('initdb');
    const pgCtl = postgresBinary('pg_ctl');
    if (!local || !initdb || !pgCtl) {
      fail(`Postgres does not answer at ${host}:${port}. Set DATABASE_URL to a reachable server, or install PostgreSQL (Debian: apt-get install -y postgresql) so Ferry can start its own.`);
    }
    const dataDir = join(state, 'postgres');
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      log(`creating a Postgres cluster in ${dataDir}`);
      const asRoot = process.getuid?.() === 0;
      if (asRoot) fail('Postgres refuses to run as root; start a server yourself or point DATABASE_URL at one.');
      const r = spawnSync(initdb, ['-D', dataDir, '-U', u.username || 'postgres', '--auth=trust'], { stdio: 'inherit' });
      if (r.status !== 0) fail('initdb failed');
    }
    log(`starting Postgres on ${host}:${port}`);
    const r = spawnSync(pgCtl, ['-D', dataDir, '-l', join(state, 'postgres.log'), '-o', `-p ${port} -k ${state} -c listen_addresses=${host}`, 'start'], { stdio: 'inherit' });
    if (r.status !== 0) fail('pg_ctl start failed');
    process.on('exit', () => spawnSync(pgCtl, ['-D', dataDir, 'stop', '-m', 'fast'], { stdio: 'ignore' }));
    await waitFor(host, port, 'Postgres');
  }
  // The database itself is created on first use; the services migrate it.
  const { default: pg } = await import('pg');
  const database = u.pathname.slice(1) || 'ferry';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect().catch((e) => fail(`cannot connect to Postgres at ${host}:${port}: ${e.message}`));
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (exists.rowCount === 0) {
    log(`creating database ${database}`);
    await client.query(`CREATE DATABASE "${database.replaceAll('"', '')}"`);
  }
  await client.end();
}

async function ensureNats(url) {
  const u = new URL(url.replace(/^nats:/, 'http:'));
  const host = u.hostname;
  const port = Number(u.port || 4222);
  if (await answers(host, port)) return;
  if (!onPath('nats-server')) {
    return fail(`NATS does not answer at ${host}:${port}. Set NATS_URL to a server with JetStream, or install nats-server (Debian: apt-get install -y nats-server) so Ferry can start its own.`);
  }
  log(`starting nats-server with JetStream on ${host}:${port}`);
  startChild('nats', 'nats-server', ['-a', host, '-p', String(port), '-js', '-sd', join(state, 'nats')], { infra: true });
  await waitFor(host, port, 'nats-server');
}

/**
 * The key and certificate Ferry signs registry tokens with (FERRY_TOKEN_SIGNING_KEY / _CERT), made
 * once under .ferry/token/ when none is configured. `bundle.pem` is what the registry trusts: during
 * a key rollover it holds the old and the new certificate (see the README).
 */
function tokenSigning() {
  if (process.env.FERRY_TOKEN_SIGNING_KEY) {
    return { env: {}, bundle: process.env.FERRY_TOKEN_ROOT_BUNDLE ?? process.env.FERRY_TOKEN_SIGNING_CERT };
  }
  const dir = join(state, 'token');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = join(dir, 'signing-key.pem');
  const cert = join(dir, 'signing-cert.pem');
  const bundle = join(dir, 'bundle.pem');
  if (!existsSync(key)) {
    if (!onPath('openssl')) fail('making the registry token signing key needs openssl (Debian: apt-get install -y openssl), or set FERRY_TOKEN_SIGNING_KEY and FERRY_TOKEN_SIGNING_CERT');
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '3650', '-subj', '/CN=ferry registry tokens'], { stdio: 'ignore' });
    if (r.status !== 0) fail('openssl could not make the registry token signing key');
    spawnSync('chmod', ['600', key]);
    log(`made the registry token signing key and certificate in ${dir}`);
  }
  if (!existsSync(bundle)) writeFileSync(bundle, readFileSync(cert, 'utf8'));
  return { env: { FERRY_TOKEN_SIGNING_KEY: key, FERRY_TOKEN_SIGNING_CERT: cert }, bundle };
}

/** Starts a local docker-registry unless one answers at `url`; the storage directory of the one it started, else undefined. */
async function ensureRegistry(url, auth) {
  const u = new URL(url);
  const host = u.hostname;
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  if (await answers(host, port)) return;
  const local = host === '127.0.0.1' || host === 'localhost';
  const command = local ? registryCommand() : null;
  if (command === null) {
    return fail(`the target registry does not answer at ${url}. Set FERRY_TARGET_REGISTRY to your registry, or install docker-registry (Debian: apt-get install -y docker-registry) so Ferry can start a local one.`);
  }
  const dir = join(state, 'registry');
  mkdirSync(join(dir, 'data'), { recursive: true });
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: { level: warn }',
      `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} }, delete: { enabled: true } }`,
      `http: { addr: "${host}:${port}" }`,
      // The registry asks Ferry's token service who may pull, push and delete.
      `auth: { token: { realm: "${auth.realm}", service: ${auth.service}, issuer: ${auth.issuer}, rootcertbundle: ${auth.bundle} } }`,
      '',
    ].join('\n'),
  );
  log(`starting docker-registry on ${host}:${port} (storage in ${join(dir, 'data')}; tokens from ${auth.realm})`);
  startChild('registry', command, ['serve', config], { infra: true });
  await waitFor(host, port, 'docker-registry');
  return join(dir, 'data');
}

function encryptionKey() {
  if (process.env.FERRY_ENCRYPTION_KEY) return process.env.FERRY_ENCRYPTION_KEY;
  const file = join(state, 'encryption.key');
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    log(`made an encryption key for upstream credentials in ${file}; keep it, or set FERRY_ENCRYPTION_KEY`);
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * The first superuser. A deployment sets FERRY_BOOTSTRAP_ADMIN_PASSWORD (and, if it wants one,
 * FERRY_BOOTSTRAP_ADMIN_TOKEN); otherwise the first run makes both, prints them this once and keeps
 * them in a file only this user can read, which later runs pass on again (the admin then exists,
 * and nothing changes). Returns the services' settings and where the banner tells the user to look.
 */
function bootstrapAdmin() {
  if (process.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD) {
    return {
      env: {},
      password: 'the password is FERRY_BOOTSTRAP_ADMIN_PASSWORD',
      token: process.env.FERRY_BOOTSTRAP_ADMIN_TOKEN ? 'FERRY_BOOTSTRAP_ADMIN_TOKEN' : 'none set; make one with `ferry login` or in the console',
    };
  }
  const file = join(state, 'admin-credentials.json');
  let token = `TOKEN=$(jq -r .token ${file})`;
  if (!existsSync(file)) {
    const credentials = {
      username: 'admin',
      password: randomBytes(18).toString('base64url'),
      token: `ferry_pat_${randomBytes(32).toString('base64url')}`,
    };
    writeFileSync(file, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
    // Shown again in the banner, where it is read; a detached run's log file never holds it.
    if (!detach) token = `${credentials.token}   (the admin's; also in ${file})`;
    console.log(
      [
        '',
        'ferry: created the superuser "admin"; its password and API token are shown this once:',
        `  password: ${credentials.password}`,
        `  token:    ${credentials.token}`,
        `  (kept, readable only by you, in ${file})`,
        '',
      ].join('\n'),
    );
  } else {
    log(`the admin's password and API token are in ${file}`);
  }
  const { password, token: adminToken } = JSON.parse(readFileSync(file, 'utf8'));
  return { env: { FERRY_BOOTSTRAP_ADMIN_PASSWORD: password, FERRY_BOOTSTRAP_ADMIN_TOKEN: adminToken }, password: `the password is in ${file}`, token };
}

/**
 * `--detach`: starts this script again in a session of its own with its output in
 * .ferry/logs/ferry.log, shows that output until every service is ready (exit 0) or the copy has
 * stopped (exit 1), and leaves it running.
 */
async function startDetached() {
  const already = backgroundPid(state);
  if (already !== null) return fail(`Ferry already runs in the background (pid ${already}); \`npm stop\` stops it`);
  const file = join(logDir, 'ferry.log');
  const from = existsSync(file) ? statSync(file).size : 0;
  const out = openSync(file, 'a');
  const args = process.argv.slice(1).filter((a) => a !== '--detach');
  const child = spawn(process.execPath, [...args, '--detached'], { detached: true, stdio: ['ignore', out, out] });
  let exit = null;
  child.once('exit', (code, signal) => (exit = signal ?? code));
  child.unref();
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(64 * 1024);
  let position = from;
  let seen = '';
  for (;;) {
    const n = readSync(fd, buffer, 0, buffer.length, position);
    if (n > 0) {
      position += n;
      const text = buffer.subarray(0, n).toString();
      process.stdout.write(text);
      seen = (seen + text).slice(-4096);
      if (seen.includes(READY_LINE)) break;
      continue;
    }
    if (exit !== null) {
      console.error(`ferry: the background copy stopped (${exit}); its output is in ${file}`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`running in the background as pid ${child.pid}; output in ${file}; \`npm stop\` stops it`);
  process.exit(0);
}

const READY_LINE = 'ferry: all five services are ready';
ensureBuilt();
const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ferry',
  NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  FERRY_TARGET_REGISTRY: process.env.FERRY_TARGET_REGISTRY ?? 'http://127.0.0.1:5000',
  FERRY_ENCRYPTION_KEY: encryptionKey(),
};
const admin = bootstrapAdmin();
Object.assign(env, admin.env);
if (detach) await startDetached();
if (detached) {
  writeFileSync(pidFile, `${process.pid}\n`);
  process.on('exit', () => backgroundPid(state) === process.pid && rmSync(pidFile, { force: true }));
}
const signing = tokenSigning();
Object.assign(env, signing.env);
const apiHost = env.FERRY_API_HOST ?? '127.0.0.1';
const registryAuth = {
  realm: `http://${apiHost === '0.0.0.0' ? '127.0.0.1' : apiHost}:${env.FERRY_API_PORT ?? 8080}/v2/auth`,
  service: env.FERRY_REGISTRY_SERVICE ?? 'ferry-registry',
  issuer: env.FERRY_TOKEN_ISSUER ?? 'ferry',
  bundle: signing.bundle,
};
await ensurePostgres(env.DATABASE_URL);
await ensureNats(env.NATS_URL);
const registryStorage = await ensureRegistry(env.FERRY_TARGET_REGISTRY, registryAuth);
// The registry started here keeps its storage on this machine: the front reads cached blobs from it
// and writes fills into it, instead of through the registry's API (a registry of yours: set it yourself).
if (registryStorage && !env.FERRY_FRONT_TARGET_STORAGE) env.FERRY_FRONT_TARGET_STORAGE = registryStorage;

const apiUrl = `http://${apiHost}:${env.FERRY_API_PORT ?? 8080}`;

/** Once every service is up: where everything is, in a few lines. */
function showReady() {
  const lines = [
    '',
    `${READY_LINE} (${SERVICES.join(', ')})`,
    `  API:      ${apiUrl}   gRPC: ${apiHost}:${env.FERRY_GRPC_PORT ?? 9090}`,
    `  console:  ${apiUrl}/   (sign in as ${env.FERRY_BOOTSTRAP_ADMIN_USERNAME ?? 'admin'}; ${admin.password})`,
    `  registry: ${env.FERRY_TARGET_REGISTRY}   front (pulls through proxy-cache organizations): ${frontUrl ?? `http://${env.FERRY_FRONT_HOST ?? '127.0.0.1'}:${env.FERRY_FRONT_PORT ?? 5001}`}`,
    ...(metricsUrls.size ? [`  metrics:  ${SERVICES.filter((s) => metricsUrls.has(s)).map((s) => `${s} ${metricsUrls.get(s)}/metrics`).join(', ')}  (and /healthz, /readyz)`] : []),
    `  token:    ${admin.token}`,
    `  logs:     ${logDir}/ (JSON per service; the registry's access log in registry.log)`,
    detached ? '  `npm stop` stops everything' : atTerminal ? '  Ctrl-C stops everything' : `  kill ${process.pid} (SIGTERM) stops everything`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

// The services' Node.js flags, kept in one file for every way of starting them (README, Settings, says why).
const nodeFlags = JSON.parse(readFileSync(join(root, 'services', 'node-flags.json'), 'utf8'));
for (const service of SERVICES) {
  startChild(service, process.execPath, [...nodeFlags, join(root, 'services', service, 'dist', 'main.js')], { env });
}
if (!stopping) log(`starting the services; API on ${apiUrl}`);
