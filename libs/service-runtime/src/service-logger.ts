import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from './base-config';

/** Fields that every log line written inside {@link withLogFields} carries (a run's mirror and run ids). */
export interface LogFields {
  mirror_id?: string;
  run_id?: string;
  /** The trace the work belongs to, for lines written where no span of it is active. */
  trace_id?: string;
}

const scoped = new AsyncLocalStorage<LogFields>();

/** Runs `work` with `fields` added to every log line it (and whatever it starts) writes. */
export function withLogFields<T>(fields: LogFields, work: () => T): T {
  return scoped.run({ ...scoped.getStore(), ...fields }, work);
}

/** FERRY_LOG_LEVEL (Nest's names) to pino's. */
const PINO_LEVEL: Record<LogLevel, pino.Level> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/**
 * Keys whose values never reach a log line, wherever they sit in a logged object (one or two
 * levels down: an error's `cause`, a request's `headers`).
 */
const SECRET_KEYS = ['password', 'token', 'secret', 'authorization', 'cookie', 'externalRegistryPassword', 'external_registry_password'];
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

/**
 * Nest's own start-up chatter (one line per module and per route) is debugging detail: the
 * service says `ready` itself once it is.
 */
const NEST_INTERNALS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication', 'NestMicroservice']);

/**
 * A service's JSON logger: one line per entry on stdout with `time`, `level` (a word),
 * `service`, `msg`, the active span's `trace_id` and `span_id`, and the {@link LogFields} in scope.
 */
export function createServiceLogger(service: string, level: LogLevel, destination?: DestinationStream): PinoLogger {
  return pino(
    {
      level: PINO_LEVEL[level],
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '(redacted)' },
      mixin() {
        const span = trace.getActiveSpan()?.spanContext();
        const fields = scoped.getStore();
        return span ? { ...fields, trace_id: span.traceId, span_id: span.spanId } : { ...fields };
      },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

type Method = 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal';

/**
 * Nest's LoggerService on a pino logger, so `new Logger('ctx').log(...)` everywhere in a service
 * writes structured lines. A message may be an object of fields with a `msg`; an Error is
 * logged with its stack under `err`.
 */
export class ServiceLogger implements LoggerService {
  constructor(readonly pino: PinoLogger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    // Nest passes (message, stack?, context?).
    const context = params.length > 0 && typeof params.at(-1) === 'string' ? (params.pop() as string) : undefined;
    const stack = typeof params[0] === 'string' ? (params.shift() as string) : undefined;
    this.write('error', message, context === undefined ? params : [...params, context], stack);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(method: Method, message: unknown, params: unknown[], stack?: string): void {
    const context = typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
    if (context && NEST_INTERNALS.has(context) && (method === 'info' || method === 'trace')) method = 'debug';
    const fields: Record<string, unknown> = context ? { context } : {};
    for (const extra of params.slice(0, context ? -1 : undefined)) if (extra && typeof extra === 'object') Object.assign(fields, extra);
    if (stack) fields.stack = stack;
    if (message instanceof Error) {
      this.pino[method]({ ...fields, err: message }, message.message);
    } else if (message && typeof message === 'object') {
      const { msg, ...rest } = message as Record<string, unknown>;
      this.pino[method]({ ...fields, ...rest }, typeof msg === 'string' ? msg : '');
    } else {
      this.pino[method](fields, String(message));
    }
  }
}
