import { DomainError } from '@ferry/mirror';

/** A run's lease while this worker holds it. */
export interface RunLease {
  /** Aborted once a renewal is refused: another worker holds the run now (or the mirror is gone). */
  readonly lost: AbortSignal;
  /**
   * Until when (ms since the epoch) this worker knows it holds the run: the expiry it claimed the
   * run with, moved on by every renewal the log accepted (from the moment that renewal was sent,
   * as the decider counts it).
   */
  heldUntil(): number;
  /**
   * Renews now, or joins the renewal already on its way: true once the log accepted it; false when
   * NATS did not answer, or the decider refused it (then `lost` is aborted).
   */
  renew(): Promise<boolean>;
  /** Ends the renewals and the heartbeat. */
  stop(): void;
}

export interface RunLeaseOptions {
  leaseSeconds: number;
  /** The lease's expiry when the run was claimed (ms since the epoch). */
  heldUntil: number;
  /** Keeps the consumer's message from being redelivered while the run goes on. */
  heartbeat: () => void;
  /** The run's upstream slot, whose KV entry expires with the lease unless renewed with it (a discovery holds none). */
  slot?: { renew(): Promise<unknown> };
  /** The clock renewals are sent and counted by (tests hand in a fake one). */
  now?: () => number;
}

/**
 * Keeps a run's lease while it runs: `renewLease(sentAt)` every third of the lease (so two
 * renewals may fail in a row before it runs out) together with the upstream slot, and the
 * consumer's message alive every 5 s. One renewal at a time: while NATS is away, ticks do not pile
 * up renewals that would all land when it is back.
 */
export function holdRunLease(renewLease: (sentAt: Date) => Promise<unknown>, options: RunLeaseOptions): RunLease {
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseSeconds * 1000;
  const lost = new AbortController();
  let heldUntil = options.heldUntil;
  let inFlight: Promise<boolean> | null = null;

  const attempt = async (): Promise<boolean> => {
    const sentAt = now();
    try {
      await renewLease(new Date(sentAt));
      heldUntil = Math.max(heldUntil, sentAt + leaseMs);
      return true;
    } catch (error) {
      if (error instanceof DomainError) lost.abort(error);
      // Anything else is NATS away: the next tick, or the next result to record, asks again.
      return false;
    }
  };
  const renew = (): Promise<boolean> => {
    if (lost.signal.aborted) return Promise.resolve(false);
    inFlight ??= attempt().finally(() => (inFlight = null));
    return inFlight;
  };

  const renewal = setInterval(() => {
    void options.slot?.renew().catch(() => undefined);
    void renew();
  }, leaseMs / 3);
  const keepAlive = setInterval(options.heartbeat, 5_000);
  return {
    lost: lost.signal,
    heldUntil: () => heldUntil,
    renew,
    stop: () => {
      clearInterval(renewal);
      clearInterval(keepAlive);
    },
  };
}
