import { RunOutcome } from '@ferry/contracts';
import type { LogSink } from '@ferry/service-runtime';
import type { TagResult } from '@ferry/sync-engine';
import type { RunEnd } from './run-completion';

/**
 * The code a failure carries when nothing Ferry knows of explained it (no registry error, no
 * refusal): a fault of Ferry's own, so its lines are errors rather than warnings.
 */
const UNEXPLAINED = 'INTERNAL';

/** A failure an operator may act on (warn), or one of Ferry's own faults (error). */
function failureLevel(code: string): 'warn' | 'error' {
  return code === UNEXPLAINED ? 'error' : 'warn';
}

/** One tag the run could not copy, with its error's code. */
export function logTagFailed(log: LogSink, mirrorId: string, result: Extract<TagResult, { kind: 'failed' }>): void {
  const { tag, error } = result;
  log[failureLevel(error.code)]({ msg: `tag ${tag} of ${mirrorId} failed: ${error.code}: ${error.message}`, tag, error_code: error.code, retryable: result.retryable });
}

/**
 * How the worker's part in a run ended, in one line with its `outcome` (`succeeded`, `failed`,
 * `cancelled`, or `stale`, `lease-lost`, `handed-back` when another delivery or worker carries
 * it on) and, when it failed, its `error_code`. A failed run is a warning (an upstream or target
 * registry refused or broke: an operator may act), an error when Ferry cannot explain the
 * failure; the rest are info. A run that was not taken (busy upstream, stopping worker) is
 * offered again and says nothing.
 */
export function logRunEnd(log: LogSink, run: { runId: string; mirrorId: string }, end: RunEnd): void {
  const which = `run ${run.runId} of ${run.mirrorId}`;
  switch (end.kind) {
    case 'completed': {
      const { verdict, summary } = end;
      const counts = { tags_copied: summary.tagsCopied, tags_unchanged: summary.tagsUnchanged, tags_deleted: summary.tagsDeleted, tags_failed: summary.tagsFailed, bytes_copied: summary.bytesCopied };
      const tally = `${summary.tagsCopied} copied, ${summary.tagsUnchanged} unchanged, ${summary.tagsDeleted} deleted, ${summary.tagsFailed} failed`;
      if (verdict.outcome === RunOutcome.Failed) {
        const code = verdict.error?.code ?? UNEXPLAINED;
        const reason = verdict.error ? `${verdict.error.code}: ${verdict.error.message}` : 'no error was recorded';
        log[failureLevel(code)]({ msg: `${which} failed: ${reason} (${tally})`, outcome: verdict.outcome, error_code: code, retryable: verdict.retryable, ...counts });
      } else {
        log.log({ msg: `${which} ${verdict.outcome}: ${tally}`, outcome: verdict.outcome, ...counts });
      }
      return;
    }
    case 'stale':
      log.log({ msg: `${which}: this assignment was already started or is over; nothing to do`, outcome: end.kind });
      return;
    case 'lease-lost':
      log.log({ msg: `${which}: its lease passed to another worker, which carries the run on`, outcome: end.kind });
      return;
    case 'handed-back':
      log.log({ msg: `${which}: handed back as this worker stops; another worker resumes it`, outcome: end.kind });
      return;
    case 'busy-upstream':
    case 'stopping':
      return;
  }
}
