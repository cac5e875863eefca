import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

/** Every process below `pid` right now (children first found through /proc/<pid>/task/<tid>/children). */
export async function descendants(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const text = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '');
    for (const child of text.split(/\s+/).filter(Boolean).map(Number)) found.push(child, ...(await descendants(child)));
  }
  return found;
}

export const commandLine = (pid: number): Promise<string> => readFile(`/proc/${pid}/cmdline`, 'utf8').then((t) => t.split('\0').join(' '), () => '');

/** A process that has exited (a zombie no one has reaped yet has exited too). */
export async function gone(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat === null || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

/** Whether nothing listens on 127.0.0.1:`port` (we can listen on it ourselves). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Every process on this machine whose command line holds `text`, with that line (to find what a detached process left). */
export async function processesWith(text: string): Promise<{ pid: number; command: string }[]> {
  const found = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const command = await commandLine(Number(entry));
    if (command.includes(text)) found.push({ pid: Number(entry), command });
  }
  return found;
}
