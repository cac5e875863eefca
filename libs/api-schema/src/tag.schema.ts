import { z } from 'zod';
import { QUAY_DATE } from './quay.schema';
import { responseSchema } from './response-schema';
import { TAG_VERIFICATION_VIEW } from './trust-policy.schema';

/** Quay's ListRepositoryTags: one page of a repository's tags, active and (unless `onlyActiveTags`) ended. */
export const TAG_LIST = responseSchema(
  'TagList',
  z.object({
    tags: z.array(
      z.object({
        name: z.string(),
        reversion: z.boolean().meta({ description: 'A rollback put this digest back.' }),
        start_ts: z.number().int().optional().meta({ description: 'When the tag took this digest (Unix seconds).' }),
        end_ts: z.number().int().optional().meta({ description: 'When it stopped holding it (moved or removed); absent while it does.' }),
        manifest_digest: z.string(),
        is_manifest_list: z.boolean(),
        size: z.number().int().nullable().meta({ description: 'The bytes Ferry copied for this manifest when it first wrote it (null when it wrote none of record).' }),
        last_modified: QUAY_DATE.optional(),
        expiration: QUAY_DATE.optional(),
        verification: TAG_VERIFICATION_VIEW.optional().meta({ description: "Ferry's, on an active tag of a mirror that verifies: its last check against the trust policy (who signed it, or why it no longer passes)." }),
      }),
    ),
    page: z.number().int(),
    has_additional: z.boolean(),
  }),
);
export type TagListView = z.output<typeof TAG_LIST>;
