import type { DataSource } from 'typeorm';
import type { MirrorStatus } from '@ferry/contracts';
import type { MirrorSample } from '@ferry/metrics';
import { mirrorHealth } from '@ferry/mirror';

/**
 * One mirror's health from the read models: what the metrics show at each scrape (a
 * {@link MirrorSample}) and what the mirror-health summary lists besides.
 */
export interface MirrorHealthRow extends MirrorSample {
  /** The run in flight, if any. */
  currentRunId: string | null;
  retriesRemaining: number;
  lastSuccessAt: Date | null;
  lastErrorMessage: string | null;
}

interface Raw {
  mirror_id: string;
  current_run_id: string | null;
  namespace: string;
  repository: string;
  is_enabled: boolean;
  sync_status: MirrorStatus;
  sync_interval: number;
  consecutive_failures: number | null;
  sync_retries_remaining: number;
  created_at: Date;
  last_success_at: Date | null;
  last_status: string | null;
  last_tags_failed: number | null;
  error_code: string | null;
  error_message: string | null;
  last_started_at: Date | null;
  current_started_at: Date | null;
}

/**
 * Every mirror (of `namespace`, when given) with its health judged at `now`: two lookups by
 * primary key per mirror (its last and its current run), never a scan of the run history.
 */
export async function readMirrorHealth(dataSource: DataSource, options: { namespace?: string; now?: Date } = {}): Promise<MirrorHealthRow[]> {
  const now = options.now ?? new Date();
  const rows = (await dataSource.query(
    `SELECT m.mirror_id, m.current_run_id, m.namespace, m.repository, m.is_enabled, m.sync_status, m.sync_interval,
            (m.state->>'consecutiveFailures')::int AS consecutive_failures, m.sync_retries_remaining,
            m.created_at, m.last_success_at,
            l.status AS last_status, l.tags_failed AS last_tags_failed, l.error_code, l.error_message, l.started_at AS last_started_at,
            c.started_at AS current_started_at
       FROM mirrors m
       LEFT JOIN runs l ON l.run_id = m.last_run_id
       LEFT JOIN runs c ON c.run_id = m.current_run_id
      WHERE $1::text IS NULL OR m.namespace = $1
      ORDER BY m.mirror_id`,
    [options.namespace ?? null],
  )) as Raw[];
  return rows.map((r) => {
    const verdict = mirrorHealth({ enabled: r.is_enabled, status: r.sync_status, syncIntervalSeconds: r.sync_interval, lastSuccessAt: r.last_success_at, createdAt: r.created_at }, now);
    return {
      mirrorId: r.mirror_id,
      currentRunId: r.current_run_id,
      namespace: r.namespace,
      repository: r.repository,
      enabled: r.is_enabled,
      status: r.sync_status,
      syncIntervalSeconds: r.sync_interval,
      consecutiveFailures: r.consecutive_failures ?? 0,
      retriesRemaining: r.sync_retries_remaining,
      lastSuccessAt: r.last_success_at,
      ...verdict,
      lastErrorCode: r.last_status === 'failed' ? r.error_code : null,
      lastErrorMessage: r.last_status === 'failed' ? r.error_message : null,
      lastAttemptStartedAt: r.current_started_at ?? r.last_started_at,
      lastRunComplete: r.last_status === null ? null : r.last_status === 'succeeded' && (r.last_tags_failed ?? 0) === 0,
    };
  });
}
