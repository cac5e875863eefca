import { z } from 'zod';
import { responseSchema } from './response-schema';

const CHECK = z.object({ ok: z.boolean(), error: z.string().optional() });

export const LIVENESS = responseSchema('Liveness', z.object({ status: z.literal('alive') }));

/** `/readyz`'s answer, 200 when ready and 503 when not: each dependency and whether it is fine. */
export const READINESS_VIEW = responseSchema(
  'Readiness',
  z.object({
    status: z.enum(['ready', 'unready']),
    checks: z.object({
      nats: CHECK,
      postgres: CHECK.optional(),
      projections: z
        .record(
          z.string(),
          CHECK.extend({
            applied: z.number().int(),
            head: z.number().int().nullable(),
            failing: z.object({ position: z.number().int(), type: z.string(), error: z.string(), since: z.string(), attempts: z.number().int() }).optional(),
          }),
        )
        .optional()
        .meta({ description: 'Per projection group: caught up with the log, and stuck on no event.' }),
      target_registry: CHECK.optional(),
    }),
  }),
);
