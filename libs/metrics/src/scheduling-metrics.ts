import { Counter, Gauge } from 'prom-client';
import { sharedRead } from './metrics-registry';

/** The scheduler's index at scrape time. */
export interface DueSample {
  /** Mirrors whose run is due now (a due grid point, a sync-now, an expired lease). */
  due: number;
  /** Of those, the ones due for longer than the scheduler should take to issue their run. */
  overdue: number;
}

let snapshot: () => Promise<DueSample | null> = async () => null;

const due = new Gauge({
  name: 'ferry_mirrors_due',
  help: 'Mirrors whose run is due and not yet issued (a due grid point, a sync-now, or an expired lease), at scrape time.',
  registers: [],
  async collect() {
    this.set((await snapshot())?.due ?? NaN);
  },
});

const overdue = new Gauge({
  name: 'ferry_mirrors_overdue',
  help: 'Mirrors due for longer than two scheduler ticks (REPO_MIRROR_INTERVAL): the scheduler should have issued their run by then.',
  registers: [],
  async collect() {
    this.set((await snapshot())?.overdue ?? NaN);
  },
});

const quayUnmirrored = new Gauge({
  name: 'quay_repository_rows_unmirrored',
  help: 'Quay\'s name: repositories due for mirroring that have not been mirrored yet (ferry_mirrors_due).',
  registers: [],
  async collect() {
    this.set((await snapshot())?.due ?? NaN);
  },
});

const leaseTakeovers = new Counter({
  name: 'ferry_lease_takeovers_total',
  help: 'Runs assigned again because their lease ended before the run did (its worker died, stalled or stopped and gave it back).',
  registers: [],
});

/** What the scheduler exposes. */
export const SCHEDULING_METRICS = [due, overdue, quayUnmirrored, leaseTakeovers];

/** Has each scrape show what `read` returns (one read per scrape); a read that fails shows NaN. */
export function observeDueMirrors(read: () => Promise<DueSample>): void {
  snapshot = sharedRead(read);
}

export function recordLeaseTakeover(): void {
  leaseTakeovers.inc();
}
