import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError, RESULTS_NOT_RECORDED, resultsNotRecorded, type MirrorCommand, type MirrorState } from '@ferry/mirror';
import type { SyncReport, TagResult } from '@ferry/sync-engine';
import { completeRun, handBackRun, runVerdictOf, type CopyOutcome, type MirrorRunCommand } from './run-completion';

const startedAt = '2026-01-01T00:00:00.000Z';
const synced = (tag: string): TagResult => ({ kind: 'synced', tag, digest: `sha256:${tag}`, sourceDigest: `sha256:${tag}`, copyProfile: 'p', mediaType: 'm', bytesCopied: 10, unchanged: false });
const report = (results: TagResult[], extra: Partial<SyncReport> = {}): SyncReport => ({
  tagsMatched: results.map((r) => r.tag),
  upstreamTags: results.map((r) => r.tag),
  results,
  listingComplete: true,
  bytesCopied: 10 * results.length,
  cancelled: false,
  indexMode: null,
  rolledBack: [],
  requests: { upstream: 0, target: 0 },
  tagsTrustedFromLedger: 0,
  deletionRefused: null,
  ...extra,
});
const run = { runId: 'r1', fencingToken: 3, startedAt, tagsFirstSeen: {}, namespace: 'acme', retryBaseSeconds: 30 };

/** The commands completion sends, answered by `answer` (the log accepts, the decider refuses, NATS is away). */
function commands(answer: (command: MirrorCommand) => Promise<void> = async () => undefined) {
  const sent: MirrorCommand[] = [];
  const command: MirrorRunCommand = async (c) => {
    sent.push(c);
    await answer(c);
    return { events: [], state: {} as MirrorState };
  };
  return { command, sent };
}

describe("a run's verdict from how its copy went", () => {
  it('succeeds with every tag counted, and notes when Ferry first saw the listed tags', () => {
    const { summary, verdict } = runVerdictOf({ report: report([synced('v1'), synced('v2')]), results: [], failure: null, cancelled: false }, startedAt, { v1: '2025-01-01T00:00:00.000Z' });
    assert.equal(verdict.outcome, 'succeeded');
    assert.deepEqual([summary.tagsCopied, summary.bytesCopied, summary.targetChecked], [2, 20, true]);
    assert.deepEqual(summary.tagsSeen, { first: { v2: startedAt }, gone: [] });
  });

  it('fails retryably with RESULTS_NOT_RECORDED, counting the results recorded before, when a result could not be recorded', () => {
    const copy: CopyOutcome = { report: null, results: [synced('v1')], failure: resultsNotRecorded('v2', 600_000, 'timeout'), cancelled: false };
    const { summary, verdict } = runVerdictOf(copy, startedAt, {});
    assert.deepEqual([verdict.outcome, verdict.error?.code, verdict.retryable], ['failed', RESULTS_NOT_RECORDED, true]);
    assert.deepEqual([summary.tagsCopied, summary.targetChecked, summary.tagsSeen], [1, false, undefined]);
  });

  it('is cancelled when the run was, whatever else happened', () => {
    const copy: CopyOutcome = { report: null, results: [], failure: resultsNotRecorded('v2', 600_000, 'timeout'), cancelled: true };
    assert.equal(runVerdictOf(copy, startedAt, {}).verdict.outcome, 'cancelled');
  });
});

describe("a run's completion", () => {
  it('sends one complete-run with the verdict, the summary and the run\'s fencing token', async () => {
    const { command, sent } = commands();
    const copy: CopyOutcome = { report: null, results: [synced('v1')], failure: resultsNotRecorded('v2', 600_000, 'timeout'), cancelled: false };
    const end = await completeRun(command, run, copy);
    assert.equal(sent.length, 1);
    const completion = sent[0] as Extract<MirrorCommand, { kind: 'complete-run' }>;
    assert.deepEqual(
      [completion.kind, completion.runId, completion.fencingToken, completion.outcome, completion.error?.code, completion.retryable, completion.summary.tagsCopied, completion.retryBaseSeconds],
      ['complete-run', 'r1', 3, 'failed', RESULTS_NOT_RECORDED, true, 1, 30],
    );
    assert.equal(end.kind, 'completed');
    assert.equal(end.kind === 'completed' && end.verdict.error?.code, RESULTS_NOT_RECORDED);
  });

  it('ends as lease-lost, sending nothing more, when the decider refuses the end (the run passed to another worker)', async () => {
    const { command, sent } = commands(async () => {
      throw new DomainError('STALE_RUN', 'run r1 no longer holds this mirror');
    });
    assert.deepEqual(await completeRun(command, run, { report: report([synced('v1')]), results: [], failure: null, cancelled: false }), { kind: 'lease-lost' });
    assert.equal(sent.length, 1);
  });

  it('throws when NATS does not answer, so the run\'s message is offered again', async () => {
    const { command } = commands(async () => {
      throw new Error('timeout');
    });
    await assert.rejects(completeRun(command, run, { report: report([]), results: [], failure: null, cancelled: false }), /timeout/);
  });

  it('hands the run back by releasing its lease, or finds it already passed on', async () => {
    const accepted = commands();
    assert.deepEqual(await handBackRun(accepted.command, run), { kind: 'handed-back' });
    assert.deepEqual(accepted.sent.map((c) => [c.kind, 'fencingToken' in c && c.fencingToken]), [['release-lease', 3]]);
    const refused = commands(async () => {
      throw new DomainError('STALE_RUN', 'run r1 no longer holds this mirror');
    });
    assert.deepEqual(await handBackRun(refused.command, run), { kind: 'lease-lost' });
  });
});
