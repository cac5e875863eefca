import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@ferry/testing';
import { stopProcess } from './ferry-processes';

const ROOT = join(__dirname, '..', '..');
const SERVICE_NODE_FLAGS = JSON.parse(readFileSync(join(ROOT, 'services', 'node-flags.json'), 'utf8')) as string[];

export interface RegistryFront {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`, for `docker://` references. */
  host: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The registry front as its own process, on a deployment's settings (`env`: the one `startFerry`
 * gave its services, so the same log, encryption key and token signing key), on a free port.
 */
export async function startRegistryFront(env: Record<string, string>, extra: Record<string, string> = {}): Promise<RegistryFront> {
  const port = await freePort();
  const chunks: string[] = [];
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, join(ROOT, 'services', 'registry-front', 'dist', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env, FERRY_FRONT_PORT: String(port), FERRY_METRICS_PORT: '0', ...extra, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => chunks.push(d.toString()));
  const output = () => chunks.join('');
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    // Any answer of /v2/ (the target's 401 included) means it serves; the log may be quiet (FERRY_LOG_LEVEL=warn).
    const answered = await fetch(`${url}/v2/`).then((r) => r.status > 0, () => false);
    if (answered) break;
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`the registry front did not come up:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, host: `127.0.0.1:${port}`, child, output, stop: () => stopProcess(child) };
}
