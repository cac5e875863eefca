import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where test processes running side by side claim the ports they hand out, a file per port
 * holding the claimant's pid. Without it two test files could hand out the same port.
 */
const CLAIMS = join(tmpdir(), 'ferry-test-ports');
/** The ports this process claimed, released when it exits. */
const claimed = new Set<number>();

/**
 * The range ports are drawn from: below the kernel's ephemeral range. A port the kernel offers
 * for `listen(0)` comes from that range, and so does the local port of every outgoing
 * connection; a port handed out from it could be taken by any connection (to Postgres, NATS, a
 * registry) between the handing out and the service's listen, which CI saw once as EADDRINUSE.
 */
function portRange(): { from: number; to: number } {
  let ephemeralFrom = 32768;
  try {
    ephemeralFrom = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || ephemeralFrom;
  } catch {
    // Not Linux: keep the usual lower bound.
  }
  const to = Math.min(ephemeralFrom, 32768);
  return { from: Math.max(1024, to - 12_000), to };
}

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims `port` for this process; false when a live process (this one included) holds it. */
function claim(port: number): boolean {
  const file = join(CLAIMS, String(port));
  const write = () => {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  };
  if (write()) return true;
  let holder = 0;
  try {
    holder = Number(readFileSync(file, 'utf8'));
  } catch {
    // Released between the two calls: try once more below.
  }
  if (holder && alive(holder)) return false;
  // A claim left by a process that is gone (killed before it could release it).
  try {
    unlinkSync(file);
  } catch {
    // Another process took it over first.
  }
  return write();
}

process.once('exit', () => {
  for (const port of claimed) {
    try {
      unlinkSync(join(CLAIMS, String(port)));
    } catch {
      // Already gone.
    }
  }
});

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now, that no other test process has
 * claimed, and that no outgoing connection will take (it lies below the ephemeral range).
 * Drawn at random, so parallel test files seldom even try the same one.
 */
export async function freePort(): Promise<number> {
  mkdirSync(CLAIMS, { recursive: true });
  const { from, to } = portRange();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = from + Math.floor(Math.random() * (to - from));
    if (claimed.has(port) || !claim(port)) continue;
    claimed.add(port);
    if (await listenable(port)) return port;
  }
  throw new Error(`freePort: no free port found in ${from}–${to - 1}`);
}
