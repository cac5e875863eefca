import { z } from 'zod';
import { responseSchema } from './response-schema';

const PREVIEW_ERROR = z.object({ code: z.string(), message: z.string() });

/** What the mirror's next run would copy, leave and delete (`POST .../mirror/preview`). */
export const MIRROR_PREVIEW = responseSchema(
  'MirrorPreview',
  z.object({
    tags_matched: z.number().int(),
    copy: z.array(z.object({ tag: z.string(), digest: z.string(), bytes: z.number().int().meta({ description: 'Blob bytes the target lacks (a blob shared by several tags is counted once).' }), companion: z.boolean() })),
    unchanged: z.array(z.object({ tag: z.string(), digest: z.string(), companion: z.boolean() })),
    failing: z.array(z.object({ tag: z.string(), error: PREVIEW_ERROR, companion: z.boolean() })).meta({ description: 'Tags whose upstream manifest cannot be read: a run would record them as failed.' }),
    delete: z.array(z.string()).meta({ description: 'Target tags no longer selected. A run deletes them unless tag_deletion is off or the cap refuses.' }),
    tag_deletion: z.object({
      enabled: z.boolean(),
      max_delete: z.union([z.number().int(), z.string()]).nullable(),
      refused: z.object({ would_delete: z.number().int(), allowed: z.number().int() }).nullable().meta({ description: 'Set when the deletion exceeds the cap: a run then deletes nothing and fails with DELETE_CAP_EXCEEDED.' }),
    }),
    totals: z.object({ copy: z.number().int(), unchanged: z.number().int(), failing: z.number().int(), delete: z.number().int(), bytes: z.number().int() }),
  }),
);
export type MirrorPreviewView = z.output<typeof MIRROR_PREVIEW>;
