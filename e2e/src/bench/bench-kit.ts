/** What the e2e benchmarks share: their section of docs/benchmarks.md, percentiles, bounded parallelism, reading the log. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { globTagRule, type MirrorConfig, type StoredEvent } from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import { processCpuSeconds } from '@ferry/testing';

export const ROOT = join(__dirname, '..', '..', '..');
export const BENCHMARKS_PAGE = join(ROOT, 'docs', 'benchmarks.md');

/** Replaces one benchmark's section of the benchmarks page (or adds it), leaving the rest. */
export function writeSection(name: string, writer: string, section: string, path = BENCHMARKS_PAGE): void {
  const start = `<!-- ${name}: written by ${writer} -->`;
  const end = `<!-- /${name} -->`;
  const page = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const block = `${start}\n${section}${end}\n`;
  const from = page.indexOf(start);
  const to = page.indexOf(end);
  writeFileSync(path, from >= 0 && to > from ? page.slice(0, from) + block + page.slice(to + end.length + 1) : `${page.trimEnd()}\n\n${block}`);
}

/** The benchmarks' mirror: one tag (`v1`) of a tiny image, no credentials, no TLS. */
export function tinyMirrorConfig(upstreamHost: string, robotUsername: string, syncStartDate: string): Omit<MirrorConfig, 'namespace' | 'repository'> {
  return {
    isEnabled: true,
    externalReference: `${upstreamHost}/tiny/app`,
    externalRegistryUsername: null,
    externalRegistryPassword: null,
    robotUsername,
    tagRule: globTagRule(['v1']),
    syncStartDate,
    syncInterval: 86_400,
    externalRegistryConfig: { verifyTls: false, unsignedImages: true, proxy: { httpProxy: null, httpsProxy: null, noProxy: null } },
    architectureFilter: [],
    skopeoTimeoutInterval: 300,
  };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function eventsSince(store: EventStore, from: number): Promise<StoredEvent[]> {
  const head = await store.headPosition();
  const out: StoredEvent[] = [];
  if (head < from) return out;
  const stop = new AbortController();
  for await (const e of store.follow(from, stop.signal)) {
    out.push(e);
    if (e.position >= head) break;
  }
  stop.abort();
  return out;
}

/** CPU seconds used by each named process between `start` and now. */
export function cpuSince(start: Map<string, { pid: number; cpu: number }>): Map<string, number> {
  return new Map([...start].map(([name, { pid, cpu }]) => [name, processCpuSeconds(pid) - cpu]));
}

/** Each named process's CPU seconds so far, to pass to `cpuSince` later. */
export function cpuNow(pids: Map<string, number>): Map<string, { pid: number; cpu: number }> {
  return new Map([...pids].map(([name, pid]) => [name, { pid, cpu: processCpuSeconds(pid) }]));
}
