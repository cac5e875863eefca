// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export { QUOTA_LIMIT_LIST, QUOTA_LIMIT_VIEW, QUOTA_LIST, QUOTA_VIEW, type QuotaLimitView, type QuotaView } from '@ferry/api-schema';
import { z } from 'zod';

/** Quay answers a new quota, and a new limit, with the JSON string `"Created"` (201). */
export const QUOTA_CREATED = { contentType: 'application/json', description: 'The JSON string `"Created"`, as Quay answers.', schema: z.literal('Created') };
