import { Counter, Gauge, Histogram, type Metric } from 'prom-client';
import { quayFailureReason } from './quay-names';

/*
 * What sync runs do, recorded by the sync-worker that runs them. Counters start at 0 for every
 * known label value, so a dashboard's rate() has a series before the first run ends.
 */

const OUTCOMES = ['succeeded', 'failed', 'cancelled'] as const;
const TRIGGERS = ['schedule', 'sync_now', 'retry', 'push'] as const;
const TAG_RESULTS = ['copied', 'unchanged', 'failed', 'deleted', 'rolled_back'] as const;
const BLOB_HOW = ['uploaded', 'mounted'] as const;

export type RunOutcomeLabel = (typeof OUTCOMES)[number];
export type TagResultLabel = (typeof TAG_RESULTS)[number];
export type BlobCopyLabel = (typeof BLOB_HOW)[number];

const runsStarted = new Counter({
  name: 'ferry_runs_started_total',
  help: 'Runs a sync-worker started (claimed with its fencing token), by trigger: schedule, sync_now, retry or push (an upstream push hook).',
  labelNames: ['trigger'],
  registers: [],
});

const runsFinished = new Counter({
  name: 'ferry_runs_finished_total',
  help: 'Runs that ended with a terminal event, by outcome: succeeded, failed or cancelled.',
  labelNames: ['outcome'],
  registers: [],
});

const runDuration = new Histogram({
  name: 'ferry_run_duration_seconds',
  help: 'From a run\'s start on a worker to its terminal event, by outcome.',
  labelNames: ['outcome'],
  buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200],
  registers: [],
});

const bytesCopied = new Counter({
  name: 'ferry_bytes_copied_total',
  help:
    'Blob bytes sent to the target, counted as they stream (the live progress\'s bytes_copied): each blob at most once per run however often its transfer is retried, ' +
    'so a run that succeeded adds its bytes_copied; a failed or stopped transfer counts as far as it got, and a run resumed on another worker counts what it sends again.',
  registers: [],
});

const blobsCopied = new Counter({
  name: 'ferry_blobs_copied_total',
  help: 'Blobs a run copied to the target: uploaded, or mounted from another repository of the target (a blob the target held already is not counted).',
  labelNames: ['how'],
  registers: [],
});

const tagResults = new Counter({
  name: 'ferry_tag_results_total',
  help: 'Tag results recorded by runs: copied, unchanged, failed, deleted (no longer selected) or rolled_back.',
  labelNames: ['result'],
  registers: [],
});

const rateLimitWaits = new Counter({
  name: 'ferry_registry_rate_limit_waits_total',
  help: 'Pauses made because an upstream\'s pull budget was spent (RateLimit-Remaining: 0), counted when the run ends.',
  registers: [],
});

// Quay's names for the same things (workers/repomirrorworker), so Quay's dashboards keep working.

const quaySyncDuration = new Histogram({
  name: 'quay_repository_mirror_sync_duration_seconds',
  help: 'Quay\'s name: duration of synchronization operations aggregated by namespace (Quay\'s buckets).',
  labelNames: ['namespace'],
  buckets: [60, 300, 900, 3600],
  registers: [],
});

const quaySyncFailures = new Counter({
  name: 'quay_repository_mirror_sync_failures_total',
  help: 'Quay\'s name: synchronization failures by namespace and Quay\'s reason category (auth_failed, network_timeout, connection_error, not_found, tls_error, invalid_source_registry, unknown_error).',
  labelNames: ['namespace', 'reason'],
  registers: [],
});

const quayWorkersActive = new Gauge({
  name: 'quay_repository_mirror_workers_active',
  help: 'Quay\'s name: 1 while this sync-worker process takes runs (sum over the targets for the cluster\'s count).',
  registers: [],
});

/** What the sync-worker exposes. */
export const RUN_METRICS: Metric[] = [runsStarted, runsFinished, runDuration, bytesCopied, blobsCopied, tagResults, rateLimitWaits, quaySyncDuration, quaySyncFailures, quayWorkersActive];

for (const trigger of TRIGGERS) runsStarted.inc({ trigger }, 0);
for (const outcome of OUTCOMES) {
  runsFinished.inc({ outcome }, 0);
  runDuration.zero({ outcome });
}
for (const result of TAG_RESULTS) tagResults.inc({ result }, 0);
for (const how of BLOB_HOW) blobsCopied.inc({ how }, 0);

/** This process takes runs (or stopped taking them). */
export function recordWorkerActive(active: boolean): void {
  quayWorkersActive.set(active ? 1 : 0);
}

export function recordRunStarted(trigger: string): void {
  runsStarted.inc({ trigger });
}

/** One tag's result as the run records it (its bytes were counted as they moved: see {@link RunBytesCounter}). */
export function recordTagResult(result: TagResultLabel): void {
  tagResults.inc({ result });
}

const VERIFICATION_OUTCOMES = ['verified', 'SIGNATURE_MISSING', 'SIGNATURE_INVALID', 'SIGNER_NOT_TRUSTED'] as const;
export type VerificationOutcomeLabel = (typeof VERIFICATION_OUTCOMES)[number];

const tagVerifications = new Counter({
  name: 'ferry_tag_verifications_total',
  help: "Tags checked against their mirror's trust policy (signature_policy verify) before publishing, by outcome: verified, SIGNATURE_MISSING, SIGNATURE_INVALID or SIGNER_NOT_TRUSTED; quarantined=true when a refused image was kept under its digest.",
  labelNames: ['outcome', 'quarantined'],
  registers: [],
});
for (const outcome of VERIFICATION_OUTCOMES) tagVerifications.inc({ outcome, quarantined: 'false' }, 0);
RUN_METRICS.push(tagVerifications);

/** One tag's check against its mirror's trust policy. */
export function recordTagVerification(outcome: VerificationOutcomeLabel, quarantined: boolean): void {
  tagVerifications.inc({ outcome, quarantined: String(quarantined) });
}

/**
 * One run's share of `ferry_bytes_copied_total`, fed the run's running total of blob bytes copied
 * (the sync engine's progress, the figure the live progress board shows): each reading adds what
 * the total grew by since the last, so the counter moves while the bytes move, agrees with the
 * board, and a tag's end adds nothing more. The engine counts a retried blob's bytes only beyond
 * what an earlier attempt of it sent, so neither does the counter.
 */
export class RunBytesCounter {
  private counted = 0;

  /** The run has copied `bytesSoFar` bytes: counts those not counted yet (a total that did not grow counts nothing). */
  advanceTo(bytesSoFar: number): void {
    if (!(bytesSoFar > this.counted)) return;
    bytesCopied.inc(bytesSoFar - this.counted);
    this.counted = bytesSoFar;
  }
}

export function recordBlobCopied(how: BlobCopyLabel): void {
  blobsCopied.inc({ how });
}

/** A run's terminal event was stored. `errorCode`: the run's error, for Quay's reason. */
export function recordRunFinished(run: { outcome: RunOutcomeLabel; namespace: string; durationSeconds: number; errorCode?: string; rateLimitWaits?: number }): void {
  runsFinished.inc({ outcome: run.outcome });
  runDuration.observe({ outcome: run.outcome }, run.durationSeconds);
  quaySyncDuration.observe({ namespace: run.namespace }, run.durationSeconds);
  if (run.outcome === 'failed') quaySyncFailures.inc({ namespace: run.namespace, reason: quayFailureReason(run.errorCode) });
  if (run.rateLimitWaits) rateLimitWaits.inc(run.rateLimitWaits);
}
