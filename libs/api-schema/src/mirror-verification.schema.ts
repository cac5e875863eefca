import { z } from 'zod';
import { responseSchema } from './response-schema';

/** What a repository mirror's connection check found upstream (`POST .../mirror/verify`). */
export const MIRROR_VERIFICATION = responseSchema(
  'MirrorVerification',
  z.object({
    message: z.string().meta({ description: 'The outcome in one sentence, e.g. "Connected to 127.0.0.1:5000/team/app: 12 tags, 3 selected by the rule".' }),
    tags_listed: z.number().int().meta({ description: 'Tags the upstream lists.' }),
    tags_selected: z.number().int().meta({ description: 'Of those, the tags the mirror\'s rule selects.' }),
    first_tags: z.array(z.string()).meta({ description: 'The first few selected tags (at most 10), in the rule\'s order.' }),
  }),
);
export type MirrorVerificationView = z.output<typeof MIRROR_VERIFICATION>;
