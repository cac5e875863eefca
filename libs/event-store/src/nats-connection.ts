import { connect, type NatsConnection } from '@nats-io/transport-node';

/** The connection to NATS was lost, or is back after `downMs`; `server` is the one it was or is connected to. */
export type ConnectionChange = { connected: false; server: string } | { connected: true; server: string; downMs: number };

/** `nats://a:4222,nats://b:4222` → the list nats.js takes. */
export function natsServers(urls: string): string[] {
  return urls.split(',').map((u) => u.trim()).filter(Boolean);
}

/** A connection to NATS (one URL, or several separated by commas) that outlives any outage. */
export async function connectToNats(natsUrl: string): Promise<NatsConnection> {
  const connection = await connect({
    servers: natsServers(natsUrl),
    name: `ferry-${process.pid}`,
    // An outage of any length ends with a reconnect, never a closed connection that needs a
    // restart; the first connect waits for a server too, so start order does not matter.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
    waitOnFirstConnect: true,
    // Otherwise every request and publish makes an Error up front, stack trace and all, in case
    // it times out: a tenth of a sync-worker's CPU per run. A timeout still says what timed out.
    noAsyncTraces: true,
  });
  writeOncePerTurn(connection);
  return connection;
}

/** The part of nats.js's protocol handler `writeOncePerTurn` reaches into (not in its public types). */
interface ProtocolWriter {
  flushPending(): void;
  outbound: { size(): number };
  pendingLimit: number;
}

/**
 * Makes the connection write what it has to send once per turn of the event loop instead of once
 * per microtask checkpoint. nats.js writes to the socket at the end of the microtasks that queued
 * a command, so a worker's ack, its next pull and a run's last append, made from different
 * callbacks of the same turn, were a write each; on loopback each write also carries the
 * receiver's TCP processing on the writer's CPU, and writes were the largest part of a
 * sync-worker's CPU per run. A full buffer (nats.js's threshold) is still written at once.
 */
function writeOncePerTurn(connection: NatsConnection): void {
  const protocol = (connection as unknown as { protocol?: ProtocolWriter }).protocol;
  if (!protocol || typeof protocol.flushPending !== 'function' || typeof protocol.outbound?.size !== 'function') return;
  const writeNow = protocol.flushPending.bind(protocol);
  let queued = false;
  protocol.flushPending = () => {
    if (protocol.outbound.size() >= protocol.pendingLimit) return writeNow();
    if (queued) return;
    queued = true;
    setImmediate(() => {
      queued = false;
      writeNow();
    });
  };
}

/**
 * Follows a connection's status: whether NATS is reachable now, who to tell of a loss and of the
 * reconnect that ends it, and who must read again after a reconnect.
 */
export class ConnectionWatch {
  private reachable = true;
  /** Called after each reconnect: subscriptions that may have missed messages read again. */
  private readonly reconnectListeners = new Set<() => void>();

  constructor(
    private readonly connection: NatsConnection,
    private readonly onChange?: (change: ConnectionChange) => void,
  ) {
    void this.watch();
  }

  /** False between a disconnect and the reconnect that ends it (the client reconnects forever). */
  get connected(): boolean {
    return this.reachable && !this.connection.isClosed();
  }

  /** Calls `listener` after each reconnect, until the returned function is called. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  private async watch(): Promise<void> {
    let lostAt = 0;
    for await (const status of this.connection.status()) {
      if (status.type === 'disconnect') {
        this.reachable = false;
        lostAt = Date.now();
        this.onChange?.({ connected: false, server: status.server });
      } else if (status.type === 'reconnect') {
        this.reachable = true;
        this.onChange?.({ connected: true, server: status.server, downMs: Date.now() - lostAt });
        for (const listener of this.reconnectListeners) listener();
      }
    }
  }
}
