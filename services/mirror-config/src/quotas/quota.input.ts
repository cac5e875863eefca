import { z } from 'zod';
import { QuotaLimitType } from '@ferry/contracts';
import { QUOTA_SIZE_PATTERN } from '@ferry/mirror';
import { requestSchema } from '../http/operation';
import { quayObject } from '../http/request-body';

const LIMIT_BYTES = z
  .number({ error: 'must be a whole number of bytes, more than 0' })
  .int({ error: 'must be a whole number of bytes, more than 0' })
  .positive({ error: 'must be a whole number of bytes, more than 0 (Quay: "Invalid quota size limit value")' })
  .max(Number.MAX_SAFE_INTEGER, { error: 'is too large' })
  .meta({ description: 'The bytes the organization may hold.' });
const LIMIT = z
  .string({ error: 'must be a size such as "10 GiB" or "500MB"' })
  .regex(QUOTA_SIZE_PATTERN, { error: 'must be a number and a unit, e.g. 1GiB (Quay: "Invalid limit format")' })
  .meta({ description: 'The same as a size: a whole number and an optional unit (`KiB`…`YiB` or `Ki`…`Yi` binary, `KB`…`YB` or `K`…`Y` decimal).' });

/** Quay's `NewOrgQuota`: `limit_bytes`, or `limit` in words. */
export const CREATE_QUOTA_BODY = requestSchema(
  'CreateQuotaRequest',
  quayObject({ limit_bytes: LIMIT_BYTES.optional(), limit: LIMIT.optional() }).superRefine((body, ctx) => {
    if (body.limit_bytes === undefined && body.limit === undefined) ctx.addIssue({ code: 'custom', path: ['limit_bytes'], message: 'is required (or limit)' });
    if (body.limit_bytes !== undefined && body.limit !== undefined) ctx.addIssue({ code: 'custom', path: ['limit'], message: 'goes instead of limit_bytes, not with it' });
  }),
  { quay: true },
);

/** Quay's `UpdateOrgQuota`: a new `limit_bytes` or `limit`; an empty body changes nothing. */
export const UPDATE_QUOTA_BODY = requestSchema(
  'UpdateQuotaRequest',
  quayObject({ limit_bytes: LIMIT_BYTES.optional(), limit: LIMIT.optional() }).superRefine((body, ctx) => {
    if (body.limit_bytes !== undefined && body.limit !== undefined) ctx.addIssue({ code: 'custom', path: ['limit'], message: 'goes instead of limit_bytes, not with it' });
  }),
  { quay: true },
);

/** Quay reads the type in any case (`warning`, `REJECT`); the views write it as `Warning` or `Reject` (see `quotaLimitType`). */
const LIMIT_TYPE = z
  .string({ error: 'is required: Warning or Reject' })
  .max(16, { error: 'must be Warning or Reject', abort: true })
  .refine((value) => quotaLimitType(value) !== null, { error: 'must be Warning or Reject (Quay: "Quota type must be one of [Warning, Reject]")' })
  .meta({ description: '`Warning` (soft) or `Reject` (hard), in any case.' });

/** The limit type a body names, in any case; null for none. */
export function quotaLimitType(value: string): QuotaLimitType | null {
  return ({ warning: QuotaLimitType.Warning, reject: QuotaLimitType.Reject } as Record<string, QuotaLimitType>)[value.toLowerCase()] ?? null;
}

const THRESHOLD = z
  .number({ error: 'must be a whole number from 1 to 100' })
  .int({ error: 'must be a whole number from 1 to 100' })
  .min(1, { error: 'must be from 1 to 100 (Quay: "Quota limit threshold must be between 1 and 100")' })
  .max(100, { error: 'must be from 1 to 100 (Quay: "Quota limit threshold must be between 1 and 100")' })
  .meta({ description: 'The share of the quota at which the limit applies, in percent.' });

/** Quay's `NewOrgQuotaLimit`. */
export const CREATE_QUOTA_LIMIT_BODY = requestSchema('CreateQuotaLimitRequest', quayObject({ type: LIMIT_TYPE, threshold_percent: THRESHOLD }), { quay: true });

/** Quay's `UpdateOrgQuotaLimit`: either field, or both. */
export const UPDATE_QUOTA_LIMIT_BODY = requestSchema('UpdateQuotaLimitRequest', quayObject({ type: LIMIT_TYPE.optional(), threshold_percent: THRESHOLD.optional() }), { quay: true });
