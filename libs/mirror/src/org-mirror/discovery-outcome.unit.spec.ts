import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { discoveryVerdict } from './discovery-outcome';

const down = { code: 'UPSTREAM_UNREACHABLE', message: 'listing failed', retryable: true };

describe("a discovery's end", () => {
  it('is cancelled when cancelled, whatever else happened', () => {
    assert.deepEqual(discoveryVerdict({ cancelled: true, failure: down, vanished: null }), { outcome: 'cancelled' });
  });

  it('fails as its listing failed, retried when the error says so', () => {
    assert.deepEqual(discoveryVerdict({ cancelled: false, failure: down, vanished: null }), {
      outcome: 'failed',
      error: { code: 'UPSTREAM_UNREACHABLE', message: 'listing failed' },
      retryable: true,
      deleted: [],
    });
    assert.equal(discoveryVerdict({ cancelled: false, failure: { ...down, code: 'UNAUTHORIZED', retryable: false }, vanished: null }).retryable, false);
  });

  it('fails for good with DELETE_CAP_EXCEEDED when more vanished than the cap allows deleting', () => {
    const verdict = discoveryVerdict({ cancelled: false, failure: null, vanished: { deleted: [], refused: { wouldDelete: 3, allowed: 1 }, failure: null } });
    assert.equal(verdict.outcome, 'failed');
    assert.equal(verdict.error?.code, 'DELETE_CAP_EXCEEDED');
    assert.match(verdict.error!.message, /3 repositories vanished upstream, more than the 1/);
    assert.equal(verdict.retryable, false);
    assert.deepEqual(verdict.deletionRefused, { wouldDelete: 3, allowed: 1 });
  });

  it('records what was removed before a removal failed, and is retried', () => {
    const verdict = discoveryVerdict({ cancelled: false, failure: null, vanished: { deleted: ['a'], refused: null, failure: { code: 'REGISTRY_UNAVAILABLE', message: 'target down', retryable: true } } });
    assert.deepEqual([verdict.outcome, verdict.deleted, verdict.retryable], ['failed', ['a'], true]);
  });

  it('succeeds with what it deleted otherwise', () => {
    assert.deepEqual(discoveryVerdict({ cancelled: false, failure: null, vanished: { deleted: ['a', 'b'], refused: null, failure: null } }), { outcome: 'succeeded', deleted: ['a', 'b'] });
  });
});
