import { Gauge } from 'prom-client';
import { MirrorStatus } from '@ferry/contracts';
import { sharedRead } from './metrics-registry';
import { quayFailureReason, quaySyncStatusValue } from './quay-names';

/** One mirror as the API's read models show it at scrape time. */
export interface MirrorSample {
  /** `namespace/repository`. */
  mirrorId: string;
  namespace: string;
  repository: string;
  enabled: boolean;
  status: MirrorStatus;
  syncIntervalSeconds: number;
  consecutiveFailures: number;
  /** Since the last successful run ended, or since the mirror was created when none has. */
  lastSuccessAgeSeconds: number;
  stale: boolean;
  failing: boolean;
  /** The error of the last run that ended, if it failed. */
  lastErrorCode: string | null;
  /** When the current run, or else the last one, started. */
  lastAttemptStartedAt: Date | null;
  /** The last run that ended succeeded with no tag failed (null: none has ended). */
  lastRunComplete: boolean | null;
  /** Tags the run in flight has still to sync (absent or 0 between runs). */
  pendingTags?: number;
}

const MIRROR = ['mirror', 'namespace'] as const;
const QUAY = ['namespace', 'repository'] as const;

/** The read every gauge below shows, shared by one scrape (set by {@link observeMirrors}). */
let snapshot: () => Promise<readonly MirrorSample[] | null> = async () => null;

/**
 * A gauge's `collect`: clears it, then fills it from this scrape's read. When the read failed, a
 * labelled gauge shows no series and a plain one NaN: not a 0 that would read as "none stale".
 */
function from(fill: (gauge: Gauge, samples: readonly MirrorSample[]) => void) {
  return async function collect(this: Gauge): Promise<void> {
    const samples = await snapshot();
    this.reset();
    if (samples) fill(this, samples);
    else if ((this as unknown as { labelNames: string[] }).labelNames.length === 0) this.set(NaN);
  };
}

const enabled = (samples: readonly MirrorSample[]) => samples.filter((m) => m.enabled);

const mirrors = new Gauge({
  name: 'ferry_mirrors',
  help: 'Mirrors by sync_status (NEVER_RUN, SYNC_NOW, SYNCING, SUCCESS, FAIL, CANCEL).',
  labelNames: ['status'],
  registers: [],
  collect: from((g, samples) => {
    for (const status of Object.values(MirrorStatus)) g.set({ status }, samples.filter((m) => m.status === status).length);
  }),
});
const staleMirrors = new Gauge({
  name: 'ferry_mirrors_stale',
  help: 'Enabled mirrors without a successful run within twice their sync_interval.',
  registers: [],
  collect: from((g, samples) => g.set(samples.filter((m) => m.stale).length)),
});
const failingMirrors = new Gauge({
  name: 'ferry_mirrors_failing',
  help: 'Mirrors whose last run failed.',
  registers: [],
  collect: from((g, samples) => g.set(samples.filter((m) => m.failing).length)),
});
const lastSuccessAge = new Gauge({
  name: 'ferry_mirror_last_success_age_seconds',
  help: 'Per enabled mirror: seconds since its last successful run ended (since it was created, when none has).',
  labelNames: MIRROR,
  registers: [],
  collect: from((g, samples) => enabled(samples).forEach((m) => g.set({ mirror: m.mirrorId, namespace: m.namespace }, m.lastSuccessAgeSeconds))),
});
const syncInterval = new Gauge({
  name: 'ferry_mirror_sync_interval_seconds',
  help: 'Per enabled mirror: its sync_interval.',
  labelNames: MIRROR,
  registers: [],
  collect: from((g, samples) => enabled(samples).forEach((m) => g.set({ mirror: m.mirrorId, namespace: m.namespace }, m.syncIntervalSeconds))),
});
const consecutiveFailures = new Gauge({
  name: 'ferry_mirror_consecutive_failures',
  help: 'Per enabled mirror: runs in a row that failed (0 after a success).',
  labelNames: MIRROR,
  registers: [],
  collect: from((g, samples) => enabled(samples).forEach((m) => g.set({ mirror: m.mirrorId, namespace: m.namespace }, m.consecutiveFailures))),
});

// Quay's per-repository gauges (workers/repomirrorworker), computed from the read models.
const quayLastSyncStatus = new Gauge({
  name: 'quay_repository_mirror_last_sync_status',
  help: 'Quay\'s name: status of the last synchronization (0 failed, 1 success, 2 in progress); a failure also has a series with its last_error_reason.',
  labelNames: [...QUAY, 'last_error_reason'],
  registers: [],
  collect: from((g, samples) => {
    for (const m of samples) {
      const value = quaySyncStatusValue(m.status);
      if (value === null) continue;
      g.set({ namespace: m.namespace, repository: m.repository, last_error_reason: '' }, value);
      if (value === 0) g.set({ namespace: m.namespace, repository: m.repository, last_error_reason: quayFailureReason(m.lastErrorCode) }, value);
    }
  }),
});
const quaySyncComplete = new Gauge({
  name: 'quay_repository_mirror_sync_complete',
  help: 'Quay\'s name: 1 when the last run synchronized every tag, else 0.',
  labelNames: QUAY,
  registers: [],
  collect: from((g, samples) => {
    for (const m of samples) if (m.lastRunComplete !== null) g.set({ namespace: m.namespace, repository: m.repository }, m.lastRunComplete ? 1 : 0);
  }),
});
const quayLastSyncTimestamp = new Gauge({
  name: 'quay_repository_mirror_last_sync_timestamp',
  help: 'Quay\'s name: Unix time the last synchronization attempt started.',
  labelNames: QUAY,
  registers: [],
  collect: from((g, samples) => {
    for (const m of samples) if (m.lastAttemptStartedAt) g.set({ namespace: m.namespace, repository: m.repository }, m.lastAttemptStartedAt.getTime() / 1000);
  }),
});

const quayPendingTags = new Gauge({
  name: 'quay_repository_mirror_pending_tags',
  help: 'Quay\'s name: tags the run in flight has still to synchronize (0 between runs).',
  labelNames: QUAY,
  registers: [],
  collect: from((g, samples) => {
    for (const m of samples) g.set({ namespace: m.namespace, repository: m.repository }, m.pendingTags ?? 0);
  }),
});

/** What mirror-config exposes: every mirror's health, read from the read models at each scrape. */
export const MIRROR_METRICS = [
  mirrors,
  staleMirrors,
  failingMirrors,
  lastSuccessAge,
  syncInterval,
  consecutiveFailures,
  quayLastSyncStatus,
  quaySyncComplete,
  quayLastSyncTimestamp,
  quayPendingTags,
];

/** Has each scrape show the mirrors `read` returns (one read per scrape); a read that fails or hangs shows none. */
export function observeMirrors(read: () => Promise<readonly MirrorSample[]>): void {
  snapshot = sharedRead(read);
}
