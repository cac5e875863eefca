import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { DomainError, DomainErrorCode } from '@ferry/mirror';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { decodeBadRequest, FERRY_CODE_TRAILER, grpcErrorFor, STATUS_DETAILS_TRAILER } from './grpc-error';

describe('an invalid request over gRPC', () => {
  it('is INVALID_ARGUMENT naming every field in the message and in a google.rpc.BadRequest', () => {
    const problems = [
      { field: 'sync_interval', message: 'must be a whole number of seconds from 60 to 31622400' },
      { field: 'root_rule.rule_value', message: 'must hold at least one tag pattern' },
    ];
    const error = grpcErrorFor(new InvalidRequestError(problems));
    assert.equal(error.code, status.INVALID_ARGUMENT);
    assert.match(error.details, /sync_interval must be/);
    assert.match(error.details, /root_rule\.rule_value must hold/);
    assert.deepEqual(error.metadata.get(FERRY_CODE_TRAILER), ['INVALID_REQUEST']);
    const [bin] = error.metadata.get(STATUS_DETAILS_TRAILER);
    assert.ok(Buffer.isBuffer(bin));
    assert.deepEqual(decodeBadRequest(bin), problems);
  });
});

describe('refusals of the deciders and missing resources', () => {
  it('map 404 to NOT_FOUND and 409 to ALREADY_EXISTS or FAILED_PRECONDITION, keeping the stable code', () => {
    const cases: [Error, status, string][] = [
      [new NotFoundError('no mirror'), status.NOT_FOUND, 'NOT_FOUND'],
      [new DomainError(DomainErrorCode.MirrorNotFound, 'x'), status.NOT_FOUND, 'MIRROR_NOT_FOUND'],
      [new DomainError(DomainErrorCode.MirrorAlreadyExists, 'x'), status.ALREADY_EXISTS, 'MIRROR_ALREADY_EXISTS'],
      [new DomainError(DomainErrorCode.RobotAlreadyExists, 'x'), status.ALREADY_EXISTS, 'ROBOT_ALREADY_EXISTS'],
      [new DomainError(DomainErrorCode.SyncInProgress, 'x'), status.FAILED_PRECONDITION, 'SYNC_IN_PROGRESS'],
      [new DomainError(DomainErrorCode.NothingToCancel, 'x'), status.FAILED_PRECONDITION, 'NOTHING_TO_CANCEL'],
    ];
    for (const [thrown, code, ferryCode] of cases) {
      const error = grpcErrorFor(thrown);
      assert.equal(error.code, code, ferryCode);
      assert.equal(error.details, thrown.message);
      assert.deepEqual(error.metadata.get(FERRY_CODE_TRAILER), [ferryCode]);
      assert.deepEqual(error.metadata.get(STATUS_DETAILS_TRAILER), []);
    }
  });

  it('answers anything else as INTERNAL without its message', () => {
    const error = grpcErrorFor(new Error('connection string postgres://secret@db'));
    assert.equal(error.code, status.INTERNAL);
    assert.doesNotMatch(error.details, /secret/);
  });
});
