import { z } from 'zod';
import { MirrorStatus } from '@ferry/contracts';
import { STALE_AFTER_INTERVALS } from '@ferry/mirror';
import { ISO_TIME } from './quay.schema';
import { responseSchema } from './response-schema';

const MIRROR_REF = { namespace: z.string(), repository: z.string() };

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
