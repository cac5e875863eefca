import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DependencyUnavailableError } from './dependency-outage';
import { OutageLog, type LogEntry, type LogSink } from './outage-log';

/** A sink that keeps each line with its level, and a clock the test moves. */
function recorder() {
  const lines: Array<{ level: string } & LogEntry> = [];
  const sink: LogSink = {
    error: (e) => void lines.push({ level: 'error', ...e }),
    warn: (e) => void lines.push({ level: 'warn', ...e }),
    log: (e) => void lines.push({ level: 'info', ...e }),
    debug: (e) => void lines.push({ level: 'debug', ...e }),
  };
  let time = 1_000_000;
  return { lines, sink, now: () => time, advance: (ms: number) => void (time += ms) };
}

/** What nats.js throws while its server is away. */
function natsTimeout(): Error {
  const error = new Error('timeout');
  error.name = 'TimeoutError';
  return error;
}

describe('a loop that retries through a NATS outage', () => {
  it('logs the outage once at warn, without a stack, and its end once at info with how long it lasted', () => {
    const { lines, sink, now, advance } = recorder();
    const log = new OutageLog('the scheduler tick', sink, now);
    for (let i = 0; i < 20; i++) {
      log.failed(natsTimeout());
      advance(3_000);
    }
    log.succeeded();
    log.succeeded();
    const told = lines.filter((l) => l.level !== 'debug');
    assert.deepEqual(
      told.map((l) => [l.level, l.msg]),
      [
        ['warn', 'the scheduler tick is waiting for NATS (timeout); it retries until NATS is back'],
        ['info', 'the scheduler tick resumed after waiting 60 s for NATS'],
      ],
    );
    assert.equal(told[0]!.dependency, 'NATS');
    assert.equal(told[0]!.err, undefined, 'no error object, so no stack');
    assert.equal(told[1]!.outage_seconds, 60);
    assert.equal(lines.filter((l) => l.level === 'debug').length, 19, 'the failures during the outage, at debug');
  });

  it('logs a second outage as a new one', () => {
    const { lines, sink, now } = recorder();
    const log = new OutageLog('the run consumer', sink, now);
    log.failed(natsTimeout());
    log.succeeded();
    log.failed(natsTimeout());
    log.succeeded();
    assert.deepEqual(lines.map((l) => l.level), ['warn', 'info', 'warn', 'info']);
  });

  it('says nothing when an attempt succeeds and none failed', () => {
    const { lines, sink, now } = recorder();
    new OutageLog('the run consumer', sink, now).succeeded();
    assert.deepEqual(lines, []);
  });
});

describe('a loop that needs NATS and Postgres', () => {
  it('ends only the outage of the dependency an attempt reached, and both when it names none', () => {
    const { lines, sink, now, advance } = recorder();
    const log = new OutageLog('projection api-read-models', sink, now);
    log.failed(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    log.failed(new DependencyUnavailableError('NATS', 'the subscription went quiet'));
    advance(5_000);
    log.succeeded('Postgres');
    advance(5_000);
    log.succeeded();
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg]),
      [
        ['warn', 'projection api-read-models is waiting for Postgres (connect ECONNREFUSED 127.0.0.1:5432); it retries until Postgres is back'],
        ['warn', 'projection api-read-models is waiting for NATS (the subscription went quiet); it retries until NATS is back'],
        ['info', 'projection api-read-models resumed after waiting 5 s for Postgres'],
        ['info', 'projection api-read-models resumed after waiting 10 s for NATS'],
      ],
    );
  });
});

describe('a failure that is no outage', () => {
  it('is a fault of Ferry\'s: error, with the error (and so its stack), every time', () => {
    const { lines, sink, now } = recorder();
    const log = new OutageLog('the scheduler tick', sink, now);
    const bug = new TypeError("Cannot read properties of null (reading 'mirrorId')");
    log.failed(bug);
    log.failed(bug, 'the scheduler tick failed on mirror acme/app');
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg]),
      [
        ['error', "the scheduler tick failed: Cannot read properties of null (reading 'mirrorId')"],
        ['error', "the scheduler tick failed on mirror acme/app: Cannot read properties of null (reading 'mirrorId')"],
      ],
    );
    assert.equal(lines[0]!.err, bug);
  });

  it('does not end an outage in progress', () => {
    const { lines, sink, now } = recorder();
    const log = new OutageLog('the run consumer', sink, now);
    log.failed(natsTimeout());
    log.failed(new Error('boom'));
    log.failed(natsTimeout());
    assert.deepEqual(lines.map((l) => l.level), ['warn', 'error', 'debug']);
  });

  it('names what was thrown even when it is no Error', () => {
    const { lines, sink, now } = recorder();
    const log = new OutageLog('the run consumer', sink, now);
    log.failed(undefined);
    log.failed({ status: 'odd' });
    log.failed(null);
    for (const line of lines) assert.doesNotMatch(line.msg, /undefined|null|\[object Object\]/);
    assert.equal(lines[1]!.msg, 'the run consumer failed: {"status":"odd"}');
  });
});
