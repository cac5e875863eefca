import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { startTelemetry, withSpan } from '@ferry/telemetry';
import { createServiceLogger, ServiceLogger, withLogFields } from './service-logger';

/** A logger writing into an array of parsed lines. */
function capture(level: Parameters<typeof createServiceLogger>[1] = 'log') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: new ServiceLogger(createServiceLogger('test-service', level, sink)) };
}

describe('a service logger', () => {
  const telemetry = startTelemetry({ serviceName: 'service-logger-test' });
  after(() => telemetry.shutdown());

  it('writes one JSON line per entry with the time, a level word, the service, the context and the message', () => {
    const { lines, logger } = capture();
    logger.log('ferry test ready', 'boot');
    assert.equal(lines.length, 1);
    const [line] = lines;
    assert.equal(line!.level, 'info');
    assert.equal(line!.service, 'test-service');
    assert.equal(line!.context, 'boot');
    assert.equal(line!.msg, 'ferry test ready');
    assert.ok(!Number.isNaN(Date.parse(String(line!.time))), `time ${line!.time} is a date`);
  });

  it('carries the mirror, run and trace ids of the work it is written in', async () => {
    const { lines, logger } = capture();
    let traceId = '';
    await withLogFields({ mirror_id: 'acme/app', run_id: 'r-1' }, () =>
      withSpan('mirror.run', async (span) => {
        traceId = span.spanContext().traceId;
        await new Promise((r) => setTimeout(r, 1));
        logger.warn('tag v1 failed', 'sync-worker');
      }),
    );
    logger.log('outside any run');
    assert.equal(lines[0]!.mirror_id, 'acme/app');
    assert.equal(lines[0]!.run_id, 'r-1');
    assert.match(traceId, /^(?!0+$)[0-9a-f]{32}$/, 'a real trace, even with nothing collecting spans');
    assert.equal(lines[0]!.trace_id, traceId);
    assert.match(String(lines[0]!.span_id), /^(?!0+$)[0-9a-f]{16}$/);
    assert.equal(lines[0]!.level, 'warn');
    assert.equal('run_id' in lines[1]!, false);
    assert.equal('trace_id' in lines[1]!, false);
  });

  it('takes a trace id from the fields where no span is active', () => {
    const { lines, logger } = capture();
    withLogFields({ run_id: 'r-2', trace_id: '0af7651916cd43dd8448eb211c80319c' }, () => logger.log('run r-2 completed'));
    assert.equal(lines[0]!.trace_id, '0af7651916cd43dd8448eb211c80319c');
  });

  it('logs an object message as fields and never a secret among them', () => {
    const { lines, logger } = capture();
    logger.warn({ msg: 'sign-in failed', user: 'erin', password: 'guess-1', headers: { authorization: 'Basic ZXJpbjpndWVzcw==' } }, 'auth');
    assert.equal(lines[0]!.msg, 'sign-in failed');
    assert.equal(lines[0]!.user, 'erin');
    assert.ok(!JSON.stringify(lines).includes('guess-1'));
    assert.ok(!JSON.stringify(lines).includes('ZXJpbjpndWVzcw=='));
  });

  it("keeps an error's stack and Nest's (message, stack, context) apart", () => {
    const { lines, logger } = capture();
    logger.error('run failed', 'Error: boom\n    at somewhere', 'sync-worker');
    logger.error(new Error('kaput'));
    assert.equal(lines[0]!.msg, 'run failed');
    assert.equal(lines[0]!.context, 'sync-worker');
    assert.match(String(lines[0]!.stack), /boom/);
    assert.equal(lines[1]!.msg, 'kaput');
    assert.match(String((lines[1]!.err as { stack: string }).stack), /kaput/);
  });

  it("writes Nest's start-up chatter at debug and honours the level", () => {
    const { lines, logger } = capture('log');
    logger.log('Mapped {/api/v1/user, GET} route', 'RouterExplorer');
    logger.debug('details');
    assert.equal(lines.length, 0);
    const verbose = capture('debug');
    verbose.logger.log('Mapped {/api/v1/user, GET} route', 'RouterExplorer');
    assert.equal(verbose.lines[0]!.level, 'debug');
  });

  it("is what Nest's Logger writes through once it is the override", () => {
    const { lines, logger } = capture();
    Logger.overrideLogger(logger);
    try {
      new Logger('scheduler').log('3 mirrors due');
      Logger.warn('closing NATS: gone', 'runtime');
    } finally {
      Logger.overrideLogger(false);
    }
    assert.deepEqual(
      lines.map((l) => [l.context, l.level, l.msg]),
      [
        ['scheduler', 'info', '3 mirrors due'],
        ['runtime', 'warn', 'closing NATS: gone'],
      ],
    );
  });
});
