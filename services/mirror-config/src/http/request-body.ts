import { z } from 'zod';
import type { FieldProblem } from '@ferry/mirror';
import { fieldOf, problemsOf } from './schema-problems';
import { REQUEST_SCHEMAS } from './operation';
import { InvalidRequestError } from './problem';

/** What a body held, as its schema reads it, and the fields of a Quay body that were ignored. */
export interface ReadBody<T> {
  value: T;
  ignored: string[];
}

/**
 * Reads a request body with its schema (a `requestSchema`), the one definition that both
 * validates it and describes it in the OpenAPI document: a refusal is a 400 naming each bad
 * field. Quay's bodies are lenient: no body is an empty one, and fields the schema does not know
 * are ignored and returned in `ignored`, for the `Warning` header (`warnIgnored`).
 */
export function readBody<S extends z.ZodType>(schema: S, body: unknown): ReadBody<z.output<S>> {
  const quay = REQUEST_SCHEMAS.get(schema)?.quay ?? false;
  const input = quay && (body === undefined || body === null) ? {} : body;
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidRequestError(problemsOf(parsed.error));
  return { value: parsed.data, ignored: quay ? unknownFields(schema, input) : [] };
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

/** Problems in the order the body's fields are read (`order`, by top-level field), so a client reads them as it wrote the body. */
export function inFieldOrder(problems: FieldProblem[], order: readonly string[]): FieldProblem[] {
  const at = (p: FieldProblem) => {
    const i = order.indexOf(p.field.split(/[.[]/)[0]!);
    return p.field === '(body)' ? -1 : i < 0 ? order.length : i;
  };
  return problems.map((p, i) => ({ p, i })).sort((a, b) => at(a.p) - at(b.p) || a.i - b.i).map(({ p }) => p);
}

// ---- Field schemas the bodies share, each with the message a 400 names it with ----------------

/** A string of at most `max` characters; `required` says what a missing one is told. */
export function text(max: number, required?: string) {
  const message = `must be a string of at most ${max} characters`;
  return z.string({ error: (issue) => (issue.input === undefined && required ? required : message) }).max(max, { error: message, abort: true });
}

/** A string that `problem` (a rule Ferry also applies elsewhere: names, passwords) must find nothing wrong with. */
export function obeying<S extends z.ZodType<string>>(schema: S, problem: (value: string) => string | undefined): S {
  return schema.superRefine((value, ctx) => {
    const found = problem(value);
    if (found) ctx.addIssue({ code: 'custom', message: found });
  }) as unknown as S;
}

/** One of `values`, told as "must be one of a, b, c". */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, required?: string) {
  const message = `must be one of ${values.join(', ')}`;
  return z.enum(values, { error: (issue) => (issue.input === undefined && required ? required : message) });
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const EMAIL_MESSAGE = 'must be an e-mail address or null';
/** Quay's contact address: an e-mail address, or null for none. */
export const EMAIL_ADDRESS = z.string({ error: EMAIL_MESSAGE }).max(255, { error: EMAIL_MESSAGE, abort: true }).regex(EMAIL, { error: EMAIL_MESSAGE }).nullable();

/** A Quay body: a JSON object (an absent body is an empty one, see `readBody`). */
export function quayObject<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.object(shape, { error: 'must be a JSON object' });
}
