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
   * Renews now, or joins the renewal already on its way (see `holdRunLease`): true once the log
   * accepted it; false when NATS did not answer, or the decider refused it (then `lost` is aborted).
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

/** Renewals on their way at once, at most: see `holdRunLease`. */
const MAX_RENEWALS_IN_FLIGHT = 2;

/**
 * Keeps a run's lease while it runs: `renewLease(sentAt)` every third of the lease (so two
 * renewals may fail in a row before it runs out) together with the upstream slot, and the
 * consumer's message alive every 5 s.
 *
 * A renewal NATS has not answered is joined rather than sent again, so ticks do not pile up
 * renewals while NATS is away; but once it has waited a whole tick it may be stuck in a request
 * NATS lost when it went away (answered only at its timeout, after a short lease has run out), so
 * the next tick sends a fresh one beside it, at most two at a time. The lease is held until the
 * latest accepted renewal's send time plus the lease, whichever lands first (the decider never
 * shortens a lease either).
 */
export function holdRunLease(renewLease: (sentAt: Date) => Promise<unknown>, options: RunLeaseOptions): RunLease {
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseSeconds * 1000;
  const tickMs = leaseMs / 3;
  const lost = new AbortController();
  let heldUntil = options.heldUntil;
  /** Renewals on their way, oldest first. */
  const inFlight: Array<{ sentAt: number; accepted: Promise<boolean> }> = [];

  const attempt = async (sentAt: number): Promise<boolean> => {
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
    const newest = inFlight.at(-1);
    if (newest && (now() - newest.sentAt < tickMs || inFlight.length >= MAX_RENEWALS_IN_FLIGHT)) return newest.accepted;
    const sent = { sentAt: now(), accepted: Promise.resolve(false) };
    sent.accepted = attempt(sent.sentAt).finally(() => inFlight.splice(inFlight.indexOf(sent), 1));
    inFlight.push(sent);
    return sent.accepted;
  };

  const renewal = setInterval(() => {
    void options.slot?.renew().catch(() => undefined);
    void renew();
  }, tickMs);
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
