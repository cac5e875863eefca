import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DependencyUnavailableError } from '@ferry/service-runtime';
import { DEPENDENCY_UNAVAILABLE, runErrorOf } from './run-report';

describe('a run-level failure from what was thrown', () => {
  it('keeps the code and retryable flag an error carries, and calls an unexplained one INTERNAL', () => {
    assert.deepEqual(runErrorOf(Object.assign(new Error('no such manifest'), { code: 'MANIFEST_UNKNOWN', retryable: false })), { code: 'MANIFEST_UNKNOWN', message: 'no such manifest', retryable: false });
    assert.deepEqual(runErrorOf(new Error('boom')), { code: 'INTERNAL', message: 'boom', retryable: true });
  });

  it('says NATS or Postgres was away, retryable, rather than a fault of Ferry\'s', () => {
    assert.deepEqual(runErrorOf(new Error('reading the robot', { cause: new DependencyUnavailableError('NATS') })), {
      code: DEPENDENCY_UNAVAILABLE,
      message: 'NATS is unavailable: reading the robot',
      retryable: true,
    });
  });
});
