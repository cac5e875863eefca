import { DomainError } from '@ferry/mirror';

/** A discovery's lease while a worker holds it. */
export interface HeldLease {
  /** Aborted once a renewal is refused: another worker holds the discovery now (or the organization mirror is gone). */
  readonly lost: AbortSignal;
  stop(): void;
}

/**
 * Keeps a discovery's lease between its pages (each recorded page renews it too): `renew` every
 * third of the lease, so a page that takes long (a slow listing, many new repositories) does not
 * let the scheduler hand the discovery to another worker; and the consumer's message alive every
 * 5 s. A renewal the decider refuses means the lease is lost; one that fails otherwise (NATS
 * away) is tried again at the next tick, and if the lease runs out meanwhile, fencing refuses
 * this worker's next record.
 */
export function holdDiscoveryLease(renew: () => Promise<unknown>, options: { leaseSeconds: number; heartbeat: () => void }): HeldLease {
  const lost = new AbortController();
  const renewal = setInterval(() => {
    renew().catch((error: unknown) => {
      if (error instanceof DomainError) lost.abort(error);
    });
  }, (options.leaseSeconds * 1000) / 3);
  const keepAlive = setInterval(options.heartbeat, 5_000);
  return {
    lost: lost.signal,
    stop: () => {
      clearInterval(renewal);
      clearInterval(keepAlive);
    },
  };
}
