import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DependencyUnavailableError, unavailableDependency } from './dependency-outage';

/** An error as a client library makes it: a name and a message, and maybe a code. */
function thrown(name: string, message: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name }, fields);
}

describe('which dependency an error says is away', () => {
  it('knows what nats.js throws while NATS or a stream leader is away', () => {
    assert.equal(unavailableDependency(thrown('TimeoutError', 'timeout')), 'NATS');
    assert.equal(unavailableDependency(thrown('ConnectionError', 'connection refused')), 'NATS');
    assert.equal(unavailableDependency(thrown('JetStreamStatusError', 'server shutdown', { code: 409 })), 'NATS');
    assert.equal(unavailableDependency(thrown('JetStreamError', 'heartbeats missed')), 'NATS');
    assert.equal(unavailableDependency(thrown('JetStreamStatusError', 'no responders', { code: 503 })), 'NATS');
    assert.equal(unavailableDependency(thrown('JetStreamApiError', 'no suitable peers for placement, peer offline', { code: 10005 })), 'NATS');
  });

  it('knows a Postgres that is down or shutting down, through TypeORM\'s driverError', () => {
    assert.equal(unavailableDependency(thrown('Error', 'connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })), 'Postgres');
    assert.equal(unavailableDependency(thrown('QueryFailedError', 'terminating connection', { driverError: thrown('error', 'terminating connection due to administrator command', { code: '57P01' }) })), 'Postgres');
    assert.equal(unavailableDependency(thrown('error', 'the database system is shutting down')), 'Postgres');
  });

  it('takes the dependency an error names itself', () => {
    assert.equal(unavailableDependency(new DependencyUnavailableError('NATS')), 'NATS');
    assert.equal(unavailableDependency(Object.assign(new Error('the subscription went quiet'), { dependency: 'NATS' })), 'NATS');
    assert.equal(unavailableDependency(new Error('wrapped', { cause: new DependencyUnavailableError('Postgres') })), 'Postgres');
  });

  it('finds no outage in what JetStream answers, in a bug or in nothing', () => {
    assert.equal(unavailableDependency(thrown('JetStreamStatusError', 'consumer deleted', { code: 409 })), null);
    assert.equal(unavailableDependency(thrown('JetStreamApiError', 'stream not found', { code: 10059 })), null);
    assert.equal(unavailableDependency(thrown('JetStreamApiError', 'insufficient resources', { code: 10023 })), null);
    assert.equal(unavailableDependency(thrown('JetStreamApiError', 'no suitable peers for placement', { code: 10005 })), null);
    assert.equal(unavailableDependency(new TypeError("Cannot read properties of undefined (reading 'id')")), null);
    assert.equal(unavailableDependency(undefined), null);
    assert.equal(unavailableDependency('timeout'), null);
  });
});
