import { z } from 'zod';

/** The schemas of the API's answers (as Ferry writes them), each under its name in the OpenAPI document's components. */
export const RESPONSE_SCHEMAS = z.registry<{ id: string }>();

/** A response's schema, named in the document; the view function's return type is derived from it. */
export function responseSchema<S extends z.ZodType>(id: string, schema: S): S {
  RESPONSE_SCHEMAS.add(schema, { id });
  return schema;
}
