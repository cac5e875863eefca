import { SetMetadata } from '@nestjs/common';
import { z } from 'zod';

export const OPERATION = Symbol('ferry:operation');

/**
 * The schemas of request bodies and queries (read as clients send them) and of responses (written
 * as Ferry answers), each under its name in the OpenAPI document's components.
 */
export const REQUEST_SCHEMAS = z.registry<RequestSchemaMeta>();
export { RESPONSE_SCHEMAS, responseSchema } from '@ferry/api-schema';

export interface RequestSchemaMeta {
  id: string;
  /**
   * Quay's leniency: no body is an empty one, and fields the schema does not know are ignored
   * and named in a `Warning: 299` header, where Ferry's own bodies would refuse them.
   */
  quay?: boolean;
}

/** A request body's schema, named in the document; the service reads the body with it (`readBody`). */
export function requestSchema<S extends z.ZodType>(id: string, schema: S, options: Omit<RequestSchemaMeta, 'id'> = {}): S {
  REQUEST_SCHEMAS.add(schema, { id, ...options });
  return schema;
}

/** What one status answers with: a JSON body's schema, null for no body, or another media type. */
export type ResponseSpec = z.ZodType | null | { contentType: string; description: string; schema?: z.ZodType };

export interface OperationSpec {
  summary: string;
  description?: string;
  /** The body's schema (a `requestSchema`), read with `readBody`; a Quay body may be left out. */
  body?: z.ZodType;
  /** The body's media type when it is not JSON (the token service's OAuth2 form). */
  bodyContentType?: string;
  /** The query parameters, one per field of the object. */
  query?: z.ZodObject;
  /** Each success status and what it answers; errors are problem+json, added for every operation. */
  responses: Record<number, ResponseSpec>;
}

/**
 * Describes a route for the OpenAPI document, next to its handler and its `@Requires`: the same
 * schemas the handler validates with. A route without one fails the document's unit test.
 */
export const Operation = (spec: OperationSpec) => SetMetadata(OPERATION, spec);
