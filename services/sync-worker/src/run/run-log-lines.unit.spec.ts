import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunSummary } from '@ferry/contracts';
import { RESULTS_NOT_RECORDED, resultsNotRecorded } from '@ferry/mirror';
import type { LogEntry, LogSink } from '@ferry/service-runtime';
import { logRunEnd, logTagFailed } from './run-log-lines';

function recorder() {
  const lines: Array<{ level: string } & LogEntry> = [];
  const sink: LogSink = {
    error: (e) => void lines.push({ level: 'error', ...e }),
    warn: (e) => void lines.push({ level: 'warn', ...e }),
    log: (e) => void lines.push({ level: 'info', ...e }),
    debug: (e) => void lines.push({ level: 'debug', ...e }),
  };
  return { lines, sink };
}

const run = { runId: 'r-1', mirrorId: 'acme/app' };
const summary = (counts: Partial<RunSummary> = {}): RunSummary => ({ startedAt: '2026-01-01T00:00:00.000Z', tagsMatched: ['v1', 'v2'], tagsCopied: 0, tagsUnchanged: 0, tagsDeleted: 0, tagsFailed: 0, bytesCopied: 0, targetChecked: true, ...counts });

describe("the line that ends a worker's run", () => {
  it('says a run succeeded at info, with what it copied', () => {
    const { lines, sink } = recorder();
    logRunEnd(sink, run, { kind: 'completed', verdict: { outcome: 'succeeded', retryable: false }, summary: summary({ tagsCopied: 2, bytesCopied: 2048 }) });
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.level, 'info');
    assert.equal(lines[0]!.msg, 'run r-1 of acme/app succeeded: 2 copied, 0 unchanged, 0 deleted, 0 failed');
    assert.equal(lines[0]!.outcome, 'succeeded');
    assert.equal(lines[0]!.bytes_copied, 2048);
    assert.equal(lines[0]!.error_code, undefined);
  });

  it('says a run failed at warn, with its error code and message', () => {
    const { lines, sink } = recorder();
    const error = { code: 'TAGS_FAILED', message: '1 of 2 tags failed to copy (MANIFEST_UNKNOWN)' };
    logRunEnd(sink, run, { kind: 'completed', verdict: { outcome: 'failed', error, retryable: true }, summary: summary({ tagsCopied: 1, tagsFailed: 1 }) });
    assert.deepEqual(
      [lines[0]!.level, lines[0]!.msg, lines[0]!.outcome, lines[0]!.error_code, lines[0]!.retryable],
      ['warn', 'run r-1 of acme/app failed: TAGS_FAILED: 1 of 2 tags failed to copy (MANIFEST_UNKNOWN) (1 copied, 0 unchanged, 0 deleted, 1 failed)', 'failed', 'TAGS_FAILED', true],
    );
  });

  it('says a run that failed on an error Ferry cannot explain (INTERNAL) at error: a fault of its own', () => {
    const { lines, sink } = recorder();
    logRunEnd(sink, run, { kind: 'completed', verdict: { outcome: 'failed', error: { code: 'INTERNAL', message: 'x is not a function' }, retryable: true }, summary: summary() });
    assert.deepEqual([lines[0]!.level, lines[0]!.error_code], ['error', 'INTERNAL']);
  });

  it('says at warn, with the mirror, the run and the reason, that a run ended because its results could not be recorded', () => {
    const { lines, sink } = recorder();
    const failure = resultsNotRecorded('v7', 600_000, 'timeout');
    logRunEnd(sink, run, { kind: 'completed', verdict: { outcome: 'failed', error: { code: failure.code, message: failure.message }, retryable: true }, summary: summary({ tagsCopied: 6 }) });
    assert.deepEqual(
      [lines[0]!.level, lines[0]!.msg, lines[0]!.error_code, lines[0]!.retryable],
      [
        'warn',
        'run r-1 of acme/app failed: RESULTS_NOT_RECORDED: the result of tag v7 could not be recorded within 600 s (timeout); the run stopped there and is retried (6 copied, 0 unchanged, 0 deleted, 0 failed)',
        RESULTS_NOT_RECORDED,
        true,
      ],
    );
  });

  it('says a cancelled run at info', () => {
    const { lines, sink } = recorder();
    logRunEnd(sink, run, { kind: 'completed', verdict: { outcome: 'cancelled', retryable: false }, summary: summary() });
    assert.deepEqual([lines[0]!.level, lines[0]!.outcome, lines[0]!.msg], ['info', 'cancelled', 'run r-1 of acme/app cancelled: 0 copied, 0 unchanged, 0 deleted, 0 failed']);
  });

  it('says at info when another delivery or worker carries the run on, and nothing for a run offered again', () => {
    const { lines, sink } = recorder();
    for (const kind of ['stale', 'lease-lost', 'handed-back', 'busy-upstream', 'stopping'] as const) logRunEnd(sink, run, { kind });
    assert.deepEqual(lines.map((l) => [l.level, l.outcome]), [['info', 'stale'], ['info', 'lease-lost'], ['info', 'handed-back']]);
    for (const line of lines) assert.doesNotMatch(line.msg, /undefined|null|\[object Object\]/);
  });
});

describe('the line of a tag the run could not copy', () => {
  it('is a warning with the error code, or an error when Ferry cannot explain it', () => {
    const { lines, sink } = recorder();
    logTagFailed(sink, 'acme/app', { kind: 'failed', tag: 'v1', error: { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }, retryable: false });
    logTagFailed(sink, 'acme/app', { kind: 'failed', tag: 'v2', error: { code: 'INTERNAL', message: 'boom' }, retryable: true });
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg, l.tag, l.error_code]),
      [
        ['warn', 'tag v1 of acme/app failed: MANIFEST_UNKNOWN: manifest unknown', 'v1', 'MANIFEST_UNKNOWN'],
        ['error', 'tag v2 of acme/app failed: INTERNAL: boom', 'v2', 'INTERNAL'],
      ],
    );
  });
});
