import { z } from 'zod';
import { fieldOf, problemsOf } from '@ferry/mirror';
import { InvalidRequestError } from './problem';

/** What a body held, as its schema reads it, and the fields of a Quay body that were ignored. */
export interface ReadBody<T> {
  value: T;
  ignored: string[];
}

/**
 * Reads a request body with its schema, the one definition that both validates it and describes
 * it in the OpenAPI document: a refusal is a 400 naming each bad field. Quay's bodies are lenient
 * (`quay: true`): no body is an empty one, and fields the schema does not know are ignored and
 * returned in `ignored`, for the `Warning` header (`warnIgnored`).
 */
export function readBody<S extends z.ZodType>(schema: S, body: unknown, options: { quay?: boolean } = {}): ReadBody<z.output<S>> {
  const input = options.quay && (body === undefined || body === null) ? {} : body;
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidRequestError(problemsOf(parsed.error));
  return { value: parsed.data, ignored: options.quay ? unknownFields(schema, input) : [] };
}

/** A schema with its wrappers (optional, nullable, defaults, transforms) taken off. */
function core(schema: z.core.$ZodType): z.core.$ZodType {
  const def = schema._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
  if (def.innerType) return core(def.innerType);
  if (def.type === 'pipe' && def.in) return core(def.in);
  return schema;
}

/** The fields of `value` that its (object) schema does not name, at any depth: `external_registry_config.colour`. */
export function unknownFields(schema: z.core.$ZodType, value: unknown, path: (string | number)[] = []): string[] {
  const inner = core(schema);
  if (!(inner instanceof z.ZodObject) || typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const shape = inner.shape as Record<string, z.core.$ZodType>;
  return Object.entries(value as Record<string, unknown>).flatMap(([key, field]) =>
    Object.hasOwn(shape, key) ? unknownFields(shape[key]!, field, [...path, key]) : [fieldOf([...path, key])],
  );
}
