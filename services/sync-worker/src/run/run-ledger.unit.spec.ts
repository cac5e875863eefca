import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NewEvent, RunEvent } from '@ferry/contracts';
import { RESULTS_NOT_RECORDED } from '@ferry/mirror';
import { ledgerFromRunEvents, ResultsNotRecordedError, RunLedger, RunStoppedError, type AppendRunEvent } from './run-ledger';

const synced: NewEvent<RunEvent> = {
  type: 'MirrorTagSynced',
  data: { mirrorId: 'acme/app', runId: 'r1', tag: 'v7', digest: 'sha256:t', mediaType: 'application/vnd.oci.image.manifest.v1+json', bytesCopied: 1, unchanged: false },
};

/** A lease the test sets by hand: held for `heldForMs` from now, or not known held. */
function fakeLease(heldForMs: number, renewal: () => Promise<boolean> = async () => true) {
  const lease = {
    until: Date.now() + heldForMs,
    renewals: 0,
    heldUntil: () => lease.until,
    renew: async () => {
      lease.renewals++;
      const accepted = await renewal();
      if (accepted) lease.until = Date.now() + 6_000;
      return accepted;
    },
  };
  return lease;
}

/** Appends that fail (NATS away) as many times as `failures`, then store; every attempt is kept. */
function flakyAppend(failures: number) {
  const attempts: Array<{ eventId: string; patienceMs: number }> = [];
  const append: AppendRunEvent = async (_event, options) => {
    attempts.push(options);
    if (attempts.length <= failures) throw new Error('timeout');
  };
  return { append, attempts };
}

describe("the run's ledger of tag results", () => {
  it('records a result at once while the lease is held, waiting no longer than it is known to be held', async () => {
    const { append, attempts } = flakyAppend(0);
    await new RunLedger(append, fakeLease(5_000), new AbortController().signal, { patienceMs: 600_000 }).record(synced);
    assert.equal(attempts.length, 1);
    assert.ok(attempts[0]!.patienceMs <= 4_000 && attempts[0]!.patienceMs > 3_500, `patience ${attempts[0]!.patienceMs}`);
  });

  // Issue 21: a publish that timed out after a renewal was accepted was rethrown and failed the run.
  it('tries a failed append again, with the same event id, through an outage shorter than the lease', async () => {
    const { append, attempts } = flakyAppend(3);
    await new RunLedger(append, fakeLease(5_000), new AbortController().signal, { patienceMs: 600_000 }).record(synced);
    assert.equal(attempts.length, 4);
    assert.equal(new Set(attempts.map((a) => a.eventId)).size, 1, 'one id, so a repeat of a stored event is dropped');
  });

  it('asks for a renewal before appending once the lease is no longer known to be held', async () => {
    const { append, attempts } = flakyAppend(0);
    const lease = fakeLease(500);
    await new RunLedger(append, lease, new AbortController().signal, { patienceMs: 600_000 }).record(synced);
    assert.equal(lease.renewals, 1);
    assert.equal(attempts.length, 1);
    assert.ok(attempts[0]!.patienceMs > 4_000, 'appended under the renewed lease');
  });

  it('keeps asking while NATS fails renewals, and records once one is accepted', async () => {
    const { append, attempts } = flakyAppend(0);
    const answers = [false, false, true];
    const lease = fakeLease(0, async () => answers.shift()!);
    await new RunLedger(append, lease, new AbortController().signal, { patienceMs: 600_000 }).record(synced);
    assert.deepEqual([lease.renewals, attempts.length], [3, 1]);
  });

  it('stops, recording nothing, when the run stopped or its renewal was refused', async () => {
    const { append, attempts } = flakyAppend(0);
    const stopped = new AbortController();
    stopped.abort();
    await assert.rejects(new RunLedger(append, fakeLease(5_000), stopped.signal, { patienceMs: 600_000 }).record(synced), RunStoppedError);

    const lost = new AbortController();
    const refused = fakeLease(0, async () => (lost.abort(), false));
    await assert.rejects(new RunLedger(append, refused, lost.signal, { patienceMs: 600_000 }).record(synced), RunStoppedError);
    assert.equal(attempts.length, 0);
  });

  it('gives up after its patience with a retryable failure that names the tag and the last error', async () => {
    const { append } = flakyAppend(Infinity);
    const started = Date.now();
    const recording = new RunLedger(append, fakeLease(5_000), new AbortController().signal, { patienceMs: 1_000 }).record(synced);
    await assert.rejects(recording, (error: unknown) => {
      assert.ok(error instanceof ResultsNotRecordedError);
      assert.equal(error.code, RESULTS_NOT_RECORDED);
      assert.equal(error.retryable, true);
      assert.match(error.message, /^the result of tag v7 could not be recorded within 1 s \(timeout\)/);
      return true;
    });
    assert.ok(Date.now() - started < 3_000);
  });

  it('gives up after its patience while a renewal hangs (NATS away longer than the lease)', async () => {
    const { append } = flakyAppend(0);
    const hanging = fakeLease(0, () => new Promise<boolean>(() => undefined));
    await assert.rejects(new RunLedger(append, hanging, new AbortController().signal, { patienceMs: 300 }).record(synced), /the lease could not be renewed/);
  });
});

describe('the ledger a later run reads back from a run', () => {
  const metadata = { schemaVersion: 1, occurredAt: '2026-01-01T00:00:00.000Z', aggregateId: 'r1', correlationId: 'c', causationId: 'c' };
  const tagSynced = (tag: string, extra: { sourceDigest?: string; copyProfile?: string }): RunEvent => ({
    ...metadata,
    id: `synced-${tag}`,
    type: 'MirrorTagSynced',
    data: { mirrorId: 'acme/app', runId: 'r1', tag, digest: `sha256:target-${tag}`, mediaType: 'm', bytesCopied: 0, unchanged: true, ...extra },
  });

  it('vouches for tags copied with their sources, and for none failed, deleted or recorded without sources', () => {
    const ledger = ledgerFromRunEvents([
      tagSynced('v1', { sourceDigest: 'sha256:up-v1', copyProfile: 'p' }),
      tagSynced('v2', {}),
      tagSynced('v3', { sourceDigest: 'sha256:up-v3', copyProfile: 'p' }),
      { ...metadata, id: 'failed-v3', type: 'MirrorTagFailed', data: { mirrorId: 'acme/app', runId: 'r1', tag: 'v3', error: { code: 'X', message: 'x' } } },
    ]);
    assert.deepEqual([...ledger.entries.keys()], ['v1']);
    assert.deepEqual(ledger.get('v1'), { source: 'sha256:up-v1', target: 'sha256:target-v1', profile: 'p' });
  });

  it('keeps the trust-policy check a tag passed, so a tag the next run finds unchanged still shows who signed it', () => {
    const verification = { outcome: 'verified' as const, policyVersion: 'abc', digest: 'sha256:up-v1', signers: [{ kind: 'key' as const, name: 'release', fingerprint: 'sha256:f' }], signatureDigests: ['sha256:s'], tlogEntries: [] };
    const ledger = ledgerFromRunEvents([{ ...tagSynced('v1', { sourceDigest: 'sha256:up-v1', copyProfile: 'all-platforms;trust=abc' }), data: { ...tagSynced('v1', {}).data, sourceDigest: 'sha256:up-v1', copyProfile: 'all-platforms;trust=abc', verification } } as RunEvent]);
    assert.deepEqual(ledger.get('v1')?.verification, verification);
  });
});
