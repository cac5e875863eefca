import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken, TokenKind } from '@ferry/identity';
import { freePort, makeTokenSigningFiles, TEST_NATS_URL } from '@ferry/testing';

export const SERVICES = ['mirror-config', 'scheduler', 'sync-worker', 'notifier'] as const;
export type ServiceName = (typeof SERVICES)[number];

const ROOT = join(__dirname, '..', '..');
/** The Node.js flags every way of starting a service gives it (README, Settings, says why). */
const SERVICE_NODE_FLAGS = JSON.parse(readFileSync(join(ROOT, 'services', 'node-flags.json'), 'utf8')) as string[];

export interface FerryProcesses {
  apiUrl: string;
  /** The bootstrap admin's API token (a superuser's, with every scope). */
  adminToken: string;
  env: Record<string, string>;
  /** Everything each service wrote to stdout and stderr so far. */
  output(): string;
  /** The JSON log lines every service wrote so far, parsed, each with the `instance` that wrote it. */
  logLines(): LogLine[];
  /** Starts a service process; `instance` names a second copy (e.g. `sync-worker-2`). */
  start(service: ServiceName, extraEnv?: Record<string, string>, instance?: string): ChildProcess;
  /** Stops a service process by its instance name (the service name for the first copy). */
  stop(instance: string, signal?: NodeJS.Signals): Promise<void>;
  /** The pid of a running instance. */
  pid(instance: string): number | undefined;
  /** `http://127.0.0.1:<port>` of a service's metrics port (/metrics, /healthz, /readyz), for its first instance. */
  metricsUrl(service: ServiceName): string;
  stopAll(): Promise<void>;
}

/** One line of a service's JSON log. */
export interface LogLine {
  instance: string;
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** The settings every e2e deployment shares: its own database, stream, target and loopback allowlists. */
export function testDeploymentEnv(options: {
  databaseUrl: string;
  names: { stream: string; subjectPrefix: string };
  targetUrl: string;
}): Record<string, string> {
  return {
    DATABASE_URL: options.databaseUrl,
    NATS_URL: TEST_NATS_URL,
    FERRY_EVENT_STREAM: options.names.stream,
    FERRY_SUBJECT_PREFIX: options.names.subjectPrefix,
    FERRY_TARGET_REGISTRY: options.targetUrl,
    FERRY_SSRF_ALLOWED_HOSTS: '127.0.0.1',
    FERRY_NOTIFICATION_ALLOWED_HOSTS: '127.0.0.1',
  };
}

/**
 * What a deployment whose target registry trusts Ferry's token service is given: a signing key and
 * certificate in `dir`, the API's port chosen first (the registry's token realm names it), the
 * registry's `trustTokenService` options and the services' settings.
 */
export async function tokenServiceSetup(dir: string, service: string) {
  const signing = makeTokenSigningFiles(dir, 'ferry');
  const apiPort = await freePort();
  return {
    trustTokenService: { realm: `http://127.0.0.1:${apiPort}/v2/auth`, service, issuer: 'ferry', rootCertBundle: signing.certPath },
    env: { FERRY_API_PORT: String(apiPort), FERRY_TOKEN_SIGNING_KEY: signing.keyPath, FERRY_TOKEN_SIGNING_CERT: signing.certPath, FERRY_REGISTRY_SERVICE: service },
  };
}

/** The bootstrap admin a deployment starts with, as `npm start` makes one: a password and an API token. */
export function bootstrapAdminEnv(): { FERRY_BOOTSTRAP_ADMIN_PASSWORD: string; FERRY_BOOTSTRAP_ADMIN_TOKEN: string } {
  return { FERRY_BOOTSTRAP_ADMIN_PASSWORD: randomBytes(18).toString('base64url'), FERRY_BOOTSTRAP_ADMIN_TOKEN: mintToken(TokenKind.User).token };
}

/**
 * The environment a test gives `npm start` (or scripts/start.mjs): its own state folder, database,
 * stream, ports and target, every service's metrics port free, and nothing else of the test's.
 */
export function npmStartEnv(options: {
  stateDir?: string;
  databaseUrl: string;
  names: { stream: string; subjectPrefix: string };
  ports: { api: number; grpc: number; registry: number };
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? options.stateDir ?? '/tmp',
    NO_COLOR: '1',
    FERRY_LOG_LEVEL: 'log',
    ...(options.stateDir ? { FERRY_STATE_DIR: options.stateDir } : {}),
    DATABASE_URL: options.databaseUrl,
    NATS_URL: TEST_NATS_URL,
    FERRY_EVENT_STREAM: options.names.stream,
    FERRY_SUBJECT_PREFIX: options.names.subjectPrefix,
    FERRY_API_PORT: String(options.ports.api),
    FERRY_GRPC_PORT: String(options.ports.grpc),
    // Each service a free metrics port of its own: other tests' services may hold the defaults.
    FERRY_METRICS_PORT: '0',
    // And the registry front a free port (it logs where).
    FERRY_FRONT_PORT: '0',
    FERRY_TARGET_REGISTRY: `http://127.0.0.1:${options.ports.registry}`,
    ...options.extra,
  };
}

/** Resolves once the API answers as the bootstrap admin (so the admin exists), or throws when `exited()` or after `timeoutMs`. */
export async function waitForApi(apiUrl: string, token: string, exited: () => boolean, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${apiUrl}/api/v1/user/`, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
    if (res?.status === 200) return;
    if (Date.now() > deadline || exited()) throw new Error(`mirror-config did not come up:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts Ferry's four services as separate processes, as `npm start` does, on one test's own
 * names. `apiTimeoutMs`: how long the API may take to answer (a long log is projected first).
 */
export async function startFerry(env: Record<string, string>, { apiTimeoutMs = 30_000 }: { apiTimeoutMs?: number } = {}): Promise<FerryProcesses> {
  // A test whose registry must know the token service's realm picks the API's port itself.
  const apiPort = env.FERRY_API_PORT ? Number(env.FERRY_API_PORT) : await freePort();
  const fullEnv: Record<string, string> = {
    ...bootstrapAdminEnv(),
    FERRY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    FERRY_API_PORT: String(apiPort),
    FERRY_GRPC_PORT: String(await freePort()),
    FERRY_HOMEPAGE_URL: `http://127.0.0.1:${apiPort}`,
    FERRY_LOG_LEVEL: 'log',
    REPO_MIRROR_INTERVAL: '1',
    ...env,
  };
  // Each service's metrics port of its own (tests run side by side); a second copy takes any free one.
  const metricsPorts = Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await freePort()] as const))) as Record<ServiceName, number>;
  const children = new Map<string, ChildProcess>();
  const chunks: string[] = [];
  /** Each instance's stdout as written, for its log lines (a chunk may end mid-line). */
  const stdout = new Map<string, string>();
  const start = (service: ServiceName, extraEnv: Record<string, string> = {}, instance: string = service) => {
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, join(ROOT, 'services', service, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', FERRY_METRICS_PORT: instance === service ? String(metricsPorts[service]) : '0', ...fullEnv, ...extraEnv, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => {
      chunks.push(`[${instance}] ${d.toString()}`);
      stdout.set(instance, (stdout.get(instance) ?? '') + d.toString());
    });
    child.stderr!.on('data', (d: Buffer) => chunks.push(`[${instance}!] ${d.toString()}`));
    children.set(instance, child);
    return child;
  };
  const stop = async (instance: string, signal: NodeJS.Signals = 'SIGTERM') => {
    const child = children.get(instance);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  for (const service of SERVICES) start(service);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const adminToken = fullEnv.FERRY_BOOTSTRAP_ADMIN_TOKEN!;
  const api = () => children.get('mirror-config');
  try {
    await waitForApi(apiUrl, adminToken, () => api()?.exitCode !== null || api()?.signalCode !== null, () => chunks.join(''), apiTimeoutMs);
  } catch (error) {
    // Stop what did start, or its processes would keep the test run alive.
    await Promise.all([...children.keys()].map((instance) => stop(instance)));
    throw error;
  }
  return {
    apiUrl,
    adminToken,
    env: fullEnv,
    output: () => chunks.join(''),
    logLines: () =>
      [...stdout].flatMap(([instance, text]) =>
        text.split('\n').flatMap((line): LogLine[] => {
          try {
            const parsed = JSON.parse(line) as Omit<LogLine, 'instance'> | null;
            return parsed && typeof parsed === 'object' && typeof parsed.msg === 'string' ? [{ ...parsed, instance } as LogLine] : [];
          } catch {
            return [];
          }
        }),
      ),
    start,
    stop,
    pid: (instance) => children.get(instance)?.pid,
    metricsUrl: (service) => `http://127.0.0.1:${metricsPorts[service]}`,
    stopAll: async () => {
      await Promise.all([...children.keys()].map((instance) => stop(instance)));
    },
  };
}

/**
 * mirror-config alone, for tests about its API edges: no scheduler may start a run (or a
 * discovery) behind their back. `env` must hold FERRY_API_PORT and FERRY_BOOTSTRAP_ADMIN_TOKEN.
 */
export async function startMirrorConfig(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const chunks: string[] = [];
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, join(ROOT, 'services', 'mirror-config', 'dist', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => chunks.push(d.toString()));
  const output = () => chunks.join('');
  try {
    await waitForApi(`http://127.0.0.1:${env.FERRY_API_PORT}`, env.FERRY_BOOTSTRAP_ADMIN_TOKEN!, () => child.exitCode !== null || child.signalCode !== null, output);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { child, output };
}

/** Stops a process a test started (SIGTERM, then SIGKILL after 5 s). */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
