import { z } from 'zod';
import { MirrorStatus } from '@ferry/contracts';
import { STALE_AFTER_INTERVALS } from '@ferry/mirror';
import type { MirrorHealthRow } from '@ferry/read-models';
import { limit } from '../http/query';
import { ISO_TIME } from '../http/quay-view';
import { responseSchema } from '../openapi/operation';

const MIRROR_REF = { namespace: z.string(), repository: z.string() };

/** `?limit=`: how many stale and how many failing mirrors to list (the counts cover all). */
export const ORGANIZATION_MIRROR_HEALTH_QUERY = z.object({ limit: limit(100) });
/** Quay's `?namespace=` narrows the summary to one namespace. */
export const MIRROR_HEALTH_QUERY = ORGANIZATION_MIRROR_HEALTH_QUERY.extend({ namespace: z.string().optional().meta({ description: 'Only the mirrors of this organization.' }) });

/** The mirror-health summary: Quay's `GET /api/v1/repository/mirror/health` fields, plus Ferry's lists of stale and failing mirrors. */
export const MIRROR_HEALTH_VIEW = responseSchema(
  'MirrorHealth',
  z.object({
    healthy: z.boolean().meta({ description: 'No mirror is failing or stale.' }),
    repositories: z.object({
      total: z.number().int(),
      syncing: z.number().int(),
      completed: z.number().int(),
      failed: z.number().int(),
      never_run: z.number().int(),
      stale: z.number().int(),
      by_status: z.record(z.enum(Object.values(MirrorStatus) as [MirrorStatus, ...MirrorStatus[]]), z.number().int()),
    }),
    stale: z
      .array(
        z.object({
          ...MIRROR_REF,
          sync_status: z.string(),
          sync_interval: z.number().int(),
          last_success: ISO_TIME.nullable(),
          last_success_age_seconds: z.number().int(),
        }),
      )
      .meta({ description: `Enabled mirrors without a successful run within ${STALE_AFTER_INTERVALS} times their sync_interval, the oldest first.` }),
    failing: z
      .array(
        z.object({
          ...MIRROR_REF,
          consecutive_failures: z.number().int(),
          retries_remaining: z.number().int(),
          last_success: ISO_TIME.nullable(),
          error: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
        }),
      )
      .meta({ description: 'Mirrors whose last run failed, the most failures in a row first.' }),
    last_check: ISO_TIME,
  }),
);
export type MirrorHealthView = z.output<typeof MIRROR_HEALTH_VIEW>;

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
