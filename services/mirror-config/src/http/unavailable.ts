/**
 * Errors that mean a dependency is away (NATS restarting, Postgres down), not that the request
 * was wrong or Ferry is broken: the edges answer 503 with Retry-After, naming the dependency.
 */
const NATS_ERRORS = new Set(['ConnectionError', 'ClosedConnectionError', 'TimeoutError', 'RequestError', 'NoRespondersError', 'DrainingConnectionError']);
/** Node's socket codes and Postgres' connection-class SQLSTATEs (08xxx) and shutdown codes (57P0x). */
const POSTGRES_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const POSTGRES_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|Client has encountered a connection error/i;

export type Dependency = 'NATS' | 'Postgres';

/** Thrown up front when a dependency is known to be away, so a request fails at once instead of after a timeout. */
export class DependencyUnavailableError extends Error {
  constructor(readonly dependency: Dependency) {
    super(`${dependency} is unreachable`);
  }
}

export function unavailableDependency(error: unknown): Dependency | null {
  if (error instanceof DependencyUnavailableError) return error.dependency;
  for (let e = error as { name?: string; code?: unknown; message?: string; cause?: unknown; driverError?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (NATS_ERRORS.has(e.name ?? '') || NATS_ERRORS.has(e.constructor?.name ?? '')) return 'NATS';
    if ((typeof e.code === 'string' && POSTGRES_CODES.has(e.code)) || POSTGRES_MESSAGES.test(e.message ?? '')) return 'Postgres';
    e = (e.driverError ?? e.cause) as typeof e;
  }
  return null;
}

/** Seconds a client should wait before trying again while a dependency is away. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
