import { z } from 'zod';
import { responseSchema } from './response-schema';

/** Quay's `limit_view`: one limit of a quota. */
export const QUOTA_LIMIT_VIEW = responseSchema(
  'QuotaLimit',
  z.object({
    id: z.number().int(),
    type: z.enum(['Warning', 'Reject']).meta({ description: '`Warning` is soft (recorded when reached), `Reject` hard (a run that would pass it writes nothing and fails `QUOTA_EXCEEDED`).' }),
    limit_percent: z.number().int().meta({ description: 'The share of the quota, 1 to 100.' }),
  }),
);
export type QuotaLimitView = z.output<typeof QUOTA_LIMIT_VIEW>;

export const QUOTA_LIMIT_LIST = responseSchema('QuotaLimitList', z.array(QUOTA_LIMIT_VIEW));

/** Quay's `quota_view`: a namespace's quota. Ferry has no system default quota (`default_config` is false). */
export const QUOTA_VIEW = responseSchema(
  'Quota',
  z.object({
    id: z.number().int(),
    limit_bytes: z.number().int(),
    limit: z.string().meta({ description: 'The quota in Quay\'s words, e.g. `1.0 GiB`.' }),
    default_config: z.boolean(),
    limits: z.array(QUOTA_LIMIT_VIEW),
    default_config_exists: z.boolean(),
  }),
);
export type QuotaView = z.output<typeof QUOTA_VIEW>;

export const QUOTA_LIST = responseSchema('QuotaList', z.array(QUOTA_VIEW));

/** Quay's `quota_report` of an organization: the bytes Ferry wrote into its repositories, and its quota. */
export const NAMESPACE_QUOTA_REPORT = z.object({
  quota_bytes: z.number().int(),
  configured_quota: z.number().int().nullable(),
  running_backfill: z.string(),
  backfill_status: z.string(),
});

/** Quay's `quota_report` of a repository: the bytes Ferry wrote into it, and its namespace's quota. */
export const REPOSITORY_QUOTA_REPORT = z.object({ quota_bytes: z.number().int(), configured_quota: z.number().int().nullable() });
