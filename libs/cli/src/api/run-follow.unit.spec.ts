import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { drawRun, durationText, progressBar, progressLine, SseParser, type StreamEvent } from './run-follow';

const progress = (bytes: number, extra: Record<string, unknown> = {}) => ({ tags_done: 1, tags_total: 4, bytes_copied: bytes, bytes_total: 8 * 1024 * 1024, bytes_per_second: 1024 * 1024, eta_seconds: 4, done: false, ...extra });

async function* stream(events: StreamEvent[]): AsyncGenerator<StreamEvent> {
  yield* events;
}

describe('a Server-Sent Events stream', () => {
  it('is split into events however the text arrives, comments and keep-alives skipped', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push(': keepalive\n\nevent: progress\ndata: {"tags_do'), []);
    assert.deepEqual(parser.push('ne":1}\n\nevent: outcome\r\ndata: {"status":"succeeded"}\r\n\r\n'), [
      { event: 'progress', data: { tags_done: 1 } },
      { event: 'outcome', data: { status: 'succeeded' } },
    ]);
  });
});

describe('a run drawn as it goes', () => {
  it('shows a bar with the share of known bytes copied, tags, rate and estimate', () => {
    assert.equal(progressBar(progress(4 * 1024 * 1024), 10), '[#####.....]  50%  1/4 tags  4.0 MiB of 8.0 MiB  1.0 MiB/s  ETA 0:04');
    assert.equal(progressBar(progress(0, { eta_seconds: null, bytes_total: 0 }), 4), '[#...]  25%  1/4 tags  0.0 MiB of 0.0 MiB  1.0 MiB/s  ETA --:--');
    assert.equal(progressLine(progress(1024 * 1024)), '1/4 tags, 1.0 MiB of 8.0 MiB copied, 1.0 MiB/s, about 0:04 left');
    assert.equal(durationText(3723), '1:02:03');
  });

  it('on a terminal redraws the bar in place and prints each tag and the outcome above it', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const status = await drawRun(
      stream([
        { event: 'progress', data: progress(1) },
        { event: 'tag', data: { tag: 'v1', result: 'copied', bytes_copied: 1024 * 1024, error: null } },
        { event: 'progress', data: progress(2) },
        { event: 'outcome', data: { run_id: 'r1', status: 'succeeded', tags_copied: 1, tags_unchanged: 0, tags_deleted: 0, tags_failed: 0, bytes_copied: 1024 * 1024, error: null } },
      ]),
      'acme/app',
      { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), tty: true },
      { json: false },
    );
    assert.equal(status, 'succeeded');
    assert.deepEqual(out, ['v1: copied (1.0 MiB)\n', 'run r1 of acme/app succeeded: 1 copied, 0 unchanged, 0 deleted, 0 failed, 1.0 MiB\n']);
    assert.ok(err[0]!.startsWith('\r\x1b[K['), 'the bar is drawn in place');
    assert.equal(err.filter((e) => e === '\r\x1b[K').length, 2, 'and cleared before each line printed');
  });

  it('elsewhere prints plain progress lines, at most one per interval, and the last one', async () => {
    let clock = 0;
    const err: string[] = [];
    await drawRun(
      stream([
        { event: 'progress', data: progress(1) },
        { event: 'progress', data: progress(2) },
        { event: 'progress', data: progress(3, { done: true }) },
        { event: 'outcome', data: { run_id: 'r1', status: 'failed', tags_copied: 0, tags_unchanged: 0, tags_deleted: 0, tags_failed: 1, bytes_copied: 0, error: { code: 'TAG_FAILURES', message: '1 tag failed' } } },
      ]),
      'acme/app',
      { stdout: () => undefined, stderr: (t) => void err.push(t), tty: false },
      { json: false, plainEveryMs: 5_000, now: () => (clock += 1_000) },
    );
    assert.equal(err.length, 2);
    assert.ok(err.every((e) => !e.includes('\x1b')), 'no terminal codes');
  });

  it('with --json prints each event as a JSON line', async () => {
    const out: string[] = [];
    const status = await drawRun(stream([{ event: 'progress', data: progress(1) }, { event: 'outcome', data: { status: 'cancelled' } }]), 'a/b', { stdout: (t) => void out.push(t), stderr: () => undefined, tty: true }, { json: true });
    assert.equal(status, 'cancelled');
    assert.deepEqual(out.map((l) => JSON.parse(l).event), ['progress', 'outcome']);
  });
});
