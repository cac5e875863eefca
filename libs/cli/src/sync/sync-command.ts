import { setFlagsFromString } from 'node:v8';
import { targetCheckDue } from '@ferry/mirror';
import { FileLedger, previewRepository, syncRepository, type SyncError, type SyncReport, type TagPreview, type TagResult } from '@ferry/sync-engine';
import { columns } from '../text-columns';
import { parseFerrySyncArgs, USAGE } from './sync-args';

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
  if (report.deletionRefused) {
    const { wouldDelete, allowed } = report.deletionRefused;
    lines.push(`ferry: DELETE_CAP_EXCEEDED: ${wouldDelete} tags would have been deleted, more than the ${allowed} --max-delete allows; none were`);
  }
  for (const r of report.results) if (r.kind === 'failed') lines.push(`  ${r.tag}: ${r.error.code}: ${r.error.message}`);
  return lines.join('\n');
}

/**
 * `ferry sync ...` (`argv` is what follows `sync`): the sync engine as a one-shot command; exit 0
 * on success, 1 on failure, 2 on bad usage, 130 on interrupt.
 */
export async function runSync(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stderr.write(USAGE);
    return 0;
  }
  let args;
  try {
    args = parseFerrySyncArgs(argv);
  } catch (error) {
    process.stderr.write(`ferry: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  // undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it at once with its
  // baseline compiler (Liftoff), then again, optimised, on a background thread, and a process
  // cannot exit before that finishes. A one-shot copy never gains it back: it costs ~0.2 CPU-s
  // beside the registries and ~0.1 s at exit (layered full mirror 1.52-1.69 s -> 1.28-1.42 s,
  // 500-tag no-op 0.94-1.06 s -> 0.79-1.02 s). Set before undici compiles the module, which
  // the registry client loads part by part on its first request. A flag set at run time gets
  // none of the implications V8 gives it on the command line, and since Node 24 (V8 13)
  // `--liftoff-only` alone no longer stops dynamic tier-up: every no-op waited 0.1-0.2 s at exit
  // for TurboFan to finish llhttp (--cpu-prof, perf). So the implications are spelled out.
  setFlagsFromString('--liftoff-only --no-wasm-tier-up --no-wasm-dynamic-tiering');
  if (args.dryRun) return preview(args);
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
    return report.results.some((r) => r.kind === 'failed') || report.deletionRefused ? 1 : 0;
  } catch (error) {
    if (tty) process.stderr.write('\r\x1b[K');
    const e = error as SyncError;
    process.stderr.write(`ferry: sync failed: ${e.code ?? 'INTERNAL'}: ${e.message}${e.retryable ? ' (retryable)' : ''}\n`);
    if (args.json) process.stdout.write(`${JSON.stringify({ error: { code: e.code ?? 'INTERNAL', message: e.message, retryable: e.retryable ?? false } })}\n`);
    return 1;
  }
}

/** `ferry sync --dry-run`: what a run would do, one line a tag, then the totals; writes nothing. */
async function preview(args: ReturnType<typeof parseFerrySyncArgs>): Promise<number> {
  try {
    const p = await previewRepository(args.request);
    if (args.json) {
      process.stdout.write(`${JSON.stringify(p)}\n`);
    } else {
      const detail = (t: TagPreview) => (t.action === 'copy' ? `${t.digest} (${mib(t.bytes)} to copy)` : t.action === 'fail' ? `${t.error.code}: ${t.error.message}` : t.digest);
      const verb = p.totals.delete > 0 ? 'delete' : 'keep';
      process.stdout.write(columns([...p.tags.map((t) => [t.action, t.tag, detail(t)]), ...p.delete.map((tag) => [verb, tag, '(no longer selected)'])]));
    }
    const { copy, unchanged, fail, delete: deleting, bytes } = p.totals;
    process.stderr.write(`ferry: dry run: ${p.tagsMatched.length} tags matched: ${copy} to copy (${mib(bytes)}), ${unchanged} unchanged, ${fail} failing, ${deleting} to delete; nothing was written\n`);
    if (p.deletionRefused) process.stderr.write(`ferry: DELETE_CAP_EXCEEDED: ${p.deletionRefused.wouldDelete} tags would go, more than the ${p.deletionRefused.allowed} --max-delete allows: a run would delete none\n`);
    else if (!args.request.tagDeletion?.enabled && p.delete.length) process.stderr.write(`ferry: ${p.delete.length} target tags are no longer selected; --delete would delete them\n`);
    return 0;
  } catch (error) {
    const e = error as SyncError;
    process.stderr.write(`ferry: dry run failed: ${e.code ?? 'INTERNAL'}: ${e.message}\n`);
    return 1;
  }
}
