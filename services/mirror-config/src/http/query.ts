import { z } from 'zod';
import { problemsOf } from './schema-problems';
import { InvalidRequestError } from './problem';

const LIMIT_MESSAGE = 'must be a whole number from 1 to 500';

/** `?limit=` of a list endpoint: 1 to 500. */
export const limit = (byDefault: number) =>
  z.coerce
    .number({ error: LIMIT_MESSAGE })
    .int({ error: LIMIT_MESSAGE })
    .min(1, { error: LIMIT_MESSAGE })
    .max(500, { error: LIMIT_MESSAGE })
    .optional()
    .meta({ description: `How many, newest first: 1 to 500 (default ${byDefault}).` });

/** The query of a list endpoint: `?limit=`, default 50. */
export const LIMIT_QUERY = z.object({ limit: limit(50) });

/** Reads a route's query with its schema (the one the OpenAPI document lists as its parameters); a refusal is a 400 naming the parameter. */
export function readQuery<S extends z.ZodType>(schema: S, query: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw new InvalidRequestError(problemsOf(parsed.error));
  return parsed.data;
}

/** `?limit=` of a list endpoint: 1 to 500, default 50. */
export function parseLimit(raw: string | undefined): number {
  return readQuery(LIMIT_QUERY, { limit: raw }).limit ?? 50;
}
