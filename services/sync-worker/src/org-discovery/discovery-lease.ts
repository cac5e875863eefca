import { holdRunLease, type RunLease } from '../run/run-lease';

/**
 * Keeps a discovery's lease between its pages (each recorded page renews it too), as a run's
 * lease is kept: `renew` every third of the lease, so a page that takes long (a slow listing, many
 * new repositories) does not let the scheduler hand the discovery to another worker, and the
 * consumer's message alive every 5 s. A renewal the decider refuses means the lease is lost; one
 * that fails otherwise (NATS away) is tried again at the next tick, and if the lease runs out
 * meanwhile, fencing refuses this worker's next record.
 */
export function holdDiscoveryLease(renew: () => Promise<unknown>, options: { leaseSeconds: number; heartbeat: () => void }): Pick<RunLease, 'lost' | 'stop'> {
  return holdRunLease(renew, { ...options, heldUntil: Date.now() + options.leaseSeconds * 1000 });
}
