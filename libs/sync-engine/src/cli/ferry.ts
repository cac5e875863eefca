#!/usr/bin/env node
import type { SyncError } from '../sync-error';
import type { SyncReport, TagResult } from '../sync-request';
import { setFlagsFromString } from 'node:v8';
import { parseFerrySyncArgs, USAGE } from './ferry-args';

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function summary(report: SyncReport, seconds: number): string {
  const count = (pred: (r: TagResult) => boolean) => report.results.filter(pred).length;
  const copied = count((r) => r.kind === 'synced' && !r.unchanged);
  const unchanged = count((r) => r.kind === 'synced' && r.unchanged);
  const failed = count((r) => r.kind === 'failed');
  const deleted = count((r) => r.kind === 'deleted');
  const lines = [
    `ferry: ${report.tagsMatched.length} tags matched: ${copied} copied, ${unchanged} unchanged, ${failed} failed, ${deleted} deleted; ${mib(report.bytesCopied)} in ${seconds.toFixed(1)} s` +
      (report.cancelled ? ' (cancelled)' : '') +
      (report.rolledBack.length ? `; rolled back ${report.rolledBack.length} tags` : ''),
  ];
  for (const r of report.results) if (r.kind === 'failed') lines.push(`  ${r.tag}: ${r.error.code}: ${r.error.message}`);
  return lines.join('\n');
}

/** `ferry sync ...`: the sync engine as a one-shot command; exit 0 on success, 1 on failure, 2 on bad usage, 130 on interrupt. */
async function main(argv: string[]): Promise<number> {
  if (argv[0] !== 'sync' || argv.includes('--help') || argv.includes('-h')) {
    process.stderr.write(USAGE);
    return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  let args;
  try {
    args = parseFerrySyncArgs(argv.slice(1));
  } catch (error) {
    process.stderr.write(`ferry: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  // undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it at once with its
  // baseline compiler (Liftoff), then again, optimised, on a background thread, and a process
  // cannot exit before that finishes. A one-shot copy never gains it back: it costs ~0.2 CPU-s
  // beside the registries and ~0.1 s at exit (layered full mirror 1.52-1.69 s -> 1.28-1.42 s,
  // 500-tag no-op 0.94-1.06 s -> 0.79-1.02 s). Set before undici compiles the module.
  setFlagsFromString('--liftoff-only');
  // Loaded only now, so that usage errors and --help answer without loading the engine.
  const { syncRepository } = require('../sync-repository') as typeof import('../sync-repository');
  const { FileLedger } = require('../target-ledger') as typeof import('../target-ledger');
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const tty = process.stderr.isTTY && !args.quiet;
  let tagsDone = 0;
  let lastDraw = 0;
  let bytes = 0;
  let total = 0;
  const draw = (force = false) => {
    if (!tty) return;
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    process.stderr.write(`\r\x1b[Kferry: ${tagsDone}/${total} tags, ${mib(bytes)}`);
  };
  const ledger = args.stateFile ? await FileLedger.open(args.stateFile, `${args.request.target.registryUrl}/${args.request.target.repository}`) : undefined;
  const { targetCheckDue } = require('@ferry/mirror') as typeof import('@ferry/mirror');
  const driftCheckDue = ledger !== undefined && targetCheckDue({ lastTargetCheckAt: ledger.targetCheckedAt }, new Date(), args.driftCheckSeconds);
  const started = Date.now();
  try {
    const report = await syncRepository({
      ...args.request,
      verifyTarget: args.request.verifyTarget || driftCheckDue,
      ledger,
      signal: controller.signal,
      onProgress: (p) => {
        bytes = p.bytesCopied;
        total = p.tagsTotal;
        draw();
      },
      onTagResult: (r) => {
        tagsDone++;
        if (tty) draw(true);
        else if (!args.quiet && !args.json && r.kind === 'failed') process.stderr.write(`ferry: ${r.tag} failed: ${r.error.code}: ${r.error.message}\n`);
      },
    });
    if (tty) process.stderr.write('\r\x1b[K');
    if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    process.stderr.write(`${summary(report, (Date.now() - started) / 1000)}\n`);
    if (report.cancelled) return 130;
    return report.results.some((r) => r.kind === 'failed') ? 1 : 0;
  } catch (error) {
    if (tty) process.stderr.write('\r\x1b[K');
    const e = error as SyncError;
    process.stderr.write(`ferry: sync failed: ${e.code ?? 'INTERNAL'}: ${e.message}${e.retryable ? ' (retryable)' : ''}\n`);
    if (args.json) process.stdout.write(`${JSON.stringify({ error: { code: e.code ?? 'INTERNAL', message: e.message, retryable: e.retryable ?? false } })}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ferry: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
