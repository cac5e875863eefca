import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { freePort } from './ports';

/**
 * Servers a test may stop and start again (an outage), unlike the machine's shared NATS and
 * Postgres, which no test may touch. Each keeps its port and its data across a restart.
 */
export interface RestartableServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  destroy(): Promise<void>;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, up: boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await listening(port)) !== up) {
    if (Date.now() > deadline) throw new Error(`${what} did not ${up ? 'start listening' : 'stop listening'} on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function killChild(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export interface NatsNodeOptions {
  /** For a cluster: this node's name, its cluster port, and every node's cluster port (routes). */
  cluster?: { name: string; port: number; routes: number[] };
}

/** A private nats-server: `kill` ends it with SIGKILL (a crash, no graceful shutdown); `start` brings it back on the same port and store. */
export interface NatsNode extends RestartableServer {
  name: string;
  kill(): Promise<void>;
}

/** A nats-server with JetStream on a free loopback port, its store in a temporary directory. */
export async function startNatsServer(options: NatsNodeOptions = {}): Promise<NatsNode> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-nats-'));
  const port = await freePort();
  const name = options.cluster?.name ?? `nats-${port}`;
  let child: ChildProcess | undefined;
  let log = '';
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, 'store'), '-n', name];
  if (options.cluster) {
    const { port: clusterPort, routes } = options.cluster;
    args.push('--cluster_name', 'ferry-test', '--cluster', `nats://127.0.0.1:${clusterPort}`, '--routes', routes.filter((r) => r !== clusterPort).map((r) => `nats://127.0.0.1:${r}`).join(','));
  }
  const start = async () => {
    child = spawn('nats-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    await waitForPort(port, true, `nats-server ${name}`).catch((error: Error) => {
      throw new Error(`${error.message}: ${log}`);
    });
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    name,
    start,
    stop: async () => {
      await killChild(child);
      await waitForPort(port, false, `nats-server ${name}`);
    },
    kill: async () => {
      await killChild(child, 'SIGKILL');
      await waitForPort(port, false, `nats-server ${name}`);
    },
    destroy: async () => {
      await killChild(child, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Three nats-server nodes in one JetStream cluster on loopback; `urls` is the list a client takes. */
export async function startNatsCluster(): Promise<{ nodes: NatsNode[]; urls: string; destroy(): Promise<void> }> {
  const routes = [await freePort(), await freePort(), await freePort()];
  const nodes = await Promise.all(routes.map((port, i) => startNatsServer({ cluster: { name: `n${i + 1}`, port, routes } })));
  return { nodes, urls: nodes.map((n) => n.url).join(','), destroy: async () => void (await Promise.all(nodes.map((n) => n.destroy()))) };
}

/** `cmd` as the postgres user when this process is root (initdb and pg_ctl refuse root). */
function asPostgres(cmd: string, args: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', cmd, ...args] : [cmd, ...args];
}

const PG_BIN = process.env.FERRY_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A private Postgres cluster (Debian's initdb and pg_ctl) on a free loopback port, trust auth,
 * its data and socket in a temporary directory owned by the postgres user.
 */
export async function startPostgresCluster(): Promise<RestartableServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const run = (cmd: string, args: string[]) => {
    const [bin, ...rest] = asPostgres(join(PG_BIN, cmd), args);
    return execFileSync(bin!, rest, { stdio: 'pipe', cwd: dir });
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']);
  writeFileSync(join(dir, 'started'), '');
  const start = async () => {
    run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-w', 'start']);
    await waitForPort(port, true, 'postgres');
  };
  const stop = async () => {
    run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    await waitForPort(port, false, 'postgres');
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    destroy: async () => {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
