import { z } from 'zod';
import { ISO_TIME } from './quay.schema';
import { responseSchema } from './response-schema';
import { TAG_VERIFICATION_VIEW } from './trust-policy.schema';

/** Every change of a target tag, from the event log. */
export const TAG_HISTORY = responseSchema(
  'TagHistory',
  z.object({
    tag: z.string(),
    first_seen_upstream: ISO_TIME.nullable().meta({ description: 'When Ferry first saw the tag in the upstream\'s listing, while the upstream still lists it.' }),
    current_digest: z.string().nullable().meta({ description: 'What the tag holds on the target after its last change; null when removed or never written.' }),
    history: z.array(
      z.object({
        change: z.enum(['created', 'moved', 'deleted', 'rolled_back']),
        digest: z.string().nullable(),
        previous_digest: z.string().nullable(),
        source_digest: z.string().nullable().meta({ description: 'The upstream digest it was copied from.' }),
        run_id: z.string(),
        first_seen_at: ISO_TIME.nullable(),
        at: ISO_TIME,
        verification: TAG_VERIFICATION_VIEW.nullable().meta({ description: "Ferry's: the trust-policy check this digest passed before it was published (signature_policy verify); null otherwise." }),
      }),
    ).meta({ description: 'Oldest first.' }),
  }),
);
export type TagHistoryView = z.output<typeof TAG_HISTORY>;
