import { z } from 'zod';
import { MirrorStatus } from '@ferry/contracts';
import type { MirrorHealthView } from '@ferry/api-schema';
import type { MirrorHealthRow } from '@ferry/read-models';
import { limit } from '../http/query';

// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export { MIRROR_HEALTH_VIEW, type MirrorHealthView } from '@ferry/api-schema';

/** `?limit=`: how many stale and how many failing mirrors to list (the counts cover all). */
export const ORGANIZATION_MIRROR_HEALTH_QUERY = z.object({ limit: limit(100) });
/** Quay's `?namespace=` narrows the summary to one namespace. */
export const MIRROR_HEALTH_QUERY = ORGANIZATION_MIRROR_HEALTH_QUERY.extend({ namespace: z.string().optional().meta({ description: 'Only the mirrors of this organization.' }) });

/** Counts every mirror by status and lists up to `limit` stale and `limit` failing ones. */
export function mirrorHealthView(rows: readonly MirrorHealthRow[], limit: number, now: Date): MirrorHealthView {
  const byStatus = Object.fromEntries(Object.values(MirrorStatus).map((s) => [s, rows.filter((r) => r.status === s).length])) as Record<MirrorStatus, number>;
  const stale = rows.filter((r) => r.stale).sort((a, b) => b.lastSuccessAgeSeconds - a.lastSuccessAgeSeconds);
  const failing = rows.filter((r) => r.failing).sort((a, b) => b.consecutiveFailures - a.consecutiveFailures || a.mirrorId.localeCompare(b.mirrorId));
  return {
    healthy: stale.length === 0 && failing.length === 0,
    repositories: {
      total: rows.length,
      syncing: byStatus[MirrorStatus.Syncing] + byStatus[MirrorStatus.SyncNow],
      completed: byStatus[MirrorStatus.Success],
      failed: byStatus[MirrorStatus.Fail],
      never_run: byStatus[MirrorStatus.NeverRun],
      stale: stale.length,
      by_status: byStatus,
    },
    stale: stale.slice(0, limit).map((r) => ({
      namespace: r.namespace,
      repository: r.repository,
      sync_status: r.status,
      sync_interval: r.syncIntervalSeconds,
      last_success: r.lastSuccessAt?.toISOString() ?? null,
      last_success_age_seconds: Math.floor(r.lastSuccessAgeSeconds),
    })),
    failing: failing.slice(0, limit).map((r) => ({
      namespace: r.namespace,
      repository: r.repository,
      consecutive_failures: r.consecutiveFailures,
      retries_remaining: r.retriesRemaining,
      last_success: r.lastSuccessAt?.toISOString() ?? null,
      error: r.lastErrorCode ? { code: r.lastErrorCode, message: r.lastErrorMessage } : null,
    })),
    last_check: now.toISOString(),
  };
}
