import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RunOutcome } from '@ferry/contracts';
import { RESULTS_NOT_RECORDED, resultsNotRecorded, runOutcome, type RunFacts } from './run-outcome';

const clean: RunFacts = { cancelled: false, failure: null, tagFailures: [], tagsMatched: 3 };
const unsigned = { code: 'UNSIGNED_IMAGE', retryable: false };
const busy = { code: 'REGISTRY_UNAVAILABLE', retryable: true };

describe("a run's outcome", () => {
  it('is SUCCEEDED when nothing failed, and not retried', () => {
    assert.deepEqual(runOutcome(clean), { outcome: RunOutcome.Succeeded, retryable: false });
  });

  it('is SUCCEEDED for a run that matched no tags', () => {
    assert.deepEqual(runOutcome({ ...clean, tagsMatched: 0 }), { outcome: RunOutcome.Succeeded, retryable: false });
  });

  it('is CANCELLED when cancelled, whatever failed, with no error', () => {
    const verdict = runOutcome({ cancelled: true, failure: { code: 'UNAUTHORIZED', message: 'no', retryable: true }, tagFailures: [busy], tagsMatched: 3 });
    assert.deepEqual(verdict, { outcome: RunOutcome.Cancelled, retryable: false });
  });

  it('fails with a run-level error as it is, retried as the error says', () => {
    assert.deepEqual(runOutcome({ ...clean, failure: { code: 'UPSTREAM_UNREACHABLE', message: 'down', retryable: true } }), {
      outcome: RunOutcome.Failed,
      error: { code: 'UPSTREAM_UNREACHABLE', message: 'down' },
      retryable: true,
    });
    assert.deepEqual(runOutcome({ ...clean, failure: { code: 'ROBOT_NOT_FOUND', message: 'gone', retryable: false } }), {
      outcome: RunOutcome.Failed,
      error: { code: 'ROBOT_NOT_FOUND', message: 'gone' },
      retryable: false,
    });
  });

  it('fails retryably, saying so, when a result could not be recorded in time', () => {
    const verdict = runOutcome({ ...clean, failure: resultsNotRecorded('v7', 600_000, 'timeout') });
    assert.deepEqual(verdict, {
      outcome: RunOutcome.Failed,
      error: { code: RESULTS_NOT_RECORDED, message: 'the result of tag v7 could not be recorded within 600 s (timeout); the run stopped there and is retried' },
      retryable: true,
    });
  });

  it('names the run-level error rather than the tags when both failed', () => {
    const verdict = runOutcome({ ...clean, failure: { code: 'NAME_UNKNOWN', message: 'no such repository', retryable: false }, tagFailures: [busy] });
    assert.equal(verdict.error?.code, 'NAME_UNKNOWN');
    assert.equal(verdict.retryable, false);
  });

  it('fails with TAGS_FAILED, counting the tags and naming their codes', () => {
    const verdict = runOutcome({ ...clean, tagFailures: [unsigned, busy, unsigned] });
    assert.equal(verdict.outcome, RunOutcome.Failed);
    assert.deepEqual(verdict.error, { code: 'TAGS_FAILED', message: '3 of 3 tags failed to copy (REGISTRY_UNAVAILABLE, UNSIGNED_IMAGE)' });
  });

  it('is not retried when every tag failure is permanent', () => {
    const permanent = [unsigned, { code: 'MANIFEST_TOO_LARGE', retryable: false }, { code: 'NO_MATCHING_PLATFORM', retryable: false }];
    const verdict = runOutcome({ ...clean, tagFailures: permanent });
    assert.equal(verdict.outcome, RunOutcome.Failed);
    assert.equal(verdict.retryable, false);
  });

  it('is retried when some tag failure may pass', () => {
    assert.equal(runOutcome({ ...clean, tagFailures: [unsigned, busy] }).retryable, true);
    assert.equal(runOutcome({ ...clean, tagFailures: [busy] }).retryable, true);
  });

  it('fails for good when the removal would exceed the cap, naming how many it would have deleted', () => {
    const verdict = runOutcome({ ...clean, deletionRefused: { wouldDelete: 600, allowed: 61 } });
    assert.equal(verdict.outcome, RunOutcome.Failed);
    assert.equal(verdict.error?.code, 'DELETE_CAP_EXCEEDED');
    assert.match(verdict.error!.message, /600 tags, more than the 61/);
    assert.equal(verdict.retryable, false);
    assert.equal(runOutcome({ ...clean, deletionRefused: { wouldDelete: 2, allowed: 1 }, tagFailures: [busy] }).error?.code, 'DELETE_CAP_EXCEEDED');
  });
});
