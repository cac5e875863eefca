/**
 * Errors that mean a dependency is away (NATS restarting, a stream leader being elected, Postgres
 * down), not that a request was wrong or Ferry is broken: the API answers 503 with Retry-After,
 * and a loop that retries logs the outage once instead of each failed attempt as a fault.
 */
const NATS_ERRORS = new Set(['ConnectionError', 'ClosedConnectionError', 'TimeoutError', 'RequestError', 'NoRespondersError', 'NoResponders', 'DrainingConnectionError']);
/**
 * What JetStream says while its server, a stream leader or a node of its cluster is away: a pull
 * ended by the server's shutdown (409 `server shutdown`), no responders (503), the client's own
 * verdict when the consumer's heartbeats stop coming, and a replicated stream that cannot be
 * created while a node is down (10005, `no suitable peers for placement, peer offline`; the same
 * refusal for another reason, such as too few nodes, is no outage).
 */
const JETSTREAM_AWAY = /^(server shutdown|no responders|leadership change|heartbeats missed|idle heartbeats missed|no suitable peers for placement, peer offline)$/i;
/** Node's socket codes and Postgres' connection-class SQLSTATEs (08xxx) and shutdown codes (57P0x). */
const POSTGRES_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const POSTGRES_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|Client has encountered a connection error/i;

export const DEPENDENCIES = ['NATS', 'Postgres'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

/** Thrown up front when a dependency is known to be away, so a request fails at once instead of after a timeout. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: Dependency,
    detail = `${dependency} is unreachable`,
  ) {
    super(detail);
    this.name = 'DependencyUnavailableError';
  }
}

interface ErrorLike {
  name?: string;
  code?: unknown;
  message?: string;
  cause?: unknown;
  driverError?: unknown;
  dependency?: unknown;
}

/**
 * The dependency whose absence `error` shows, or null for any other error. An error may name
 * its dependency itself (`dependency: 'NATS' | 'Postgres'`, as {@link DependencyUnavailableError}
 * and a projection's stalled subscription do); otherwise it is known by its class, code or message,
 * or by those of its `cause` (TypeORM's `driverError`), a few levels down.
 */
export function unavailableDependency(error: unknown): Dependency | null {
  for (let e = error as ErrorLike | undefined, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (DEPENDENCIES.includes(e.dependency as Dependency)) return e.dependency as Dependency;
    const name = e.name ?? '';
    if (NATS_ERRORS.has(name) || NATS_ERRORS.has(e.constructor?.name ?? '')) return 'NATS';
    if ((name === 'JetStreamError' || name === 'JetStreamStatusError' || name === 'JetStreamApiError') && JETSTREAM_AWAY.test(e.message ?? '')) return 'NATS';
    if ((typeof e.code === 'string' && POSTGRES_CODES.has(e.code)) || POSTGRES_MESSAGES.test(e.message ?? '')) return 'Postgres';
    e = (e.driverError ?? e.cause) as ErrorLike | undefined;
  }
  return null;
}
