import type { z } from 'zod';
import type { TagSelector } from '@ferry/contracts';

/** One reason an API request was refused, naming the field in Quay's terms. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * One kind of tag selector: its schema in the API's (snake_case) form, which validates it and
 * describes it in the OpenAPI document, how it is shown, and how the worker runs it. The API also
 * validates a rule by compiling it with `compile`, the worker's own function.
 */
export interface SelectorKind<S extends TagSelector> {
  /** The selector as the API takes it: `kind` and the kind's own fields, each refusal naming its field. */
  body: z.ZodObject;
  /** The selector a valid `body` says. */
  read(body: Record<string, unknown>): S;
  /** The selector in the API's form. */
  view(selector: S): Record<string, unknown>;
  /** The tags of a listing it selects; throws on a selector it cannot run. */
  compile(selector: S): (tags: readonly string[]) => Set<string>;
}
