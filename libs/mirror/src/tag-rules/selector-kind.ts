import type { TagSelector } from '@ferry/contracts';

/** One reason an API request was refused, naming the field in Quay's terms. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * One kind of tag selector: how the API's (snake_case) form is read and shown, and how the worker
 * runs it. The API validates a selector by compiling it with `compile`, the worker's own function.
 */
export interface SelectorKind<S extends TagSelector> {
  /** Reads one selector (`kind` already checked); each problem names its field under `field`. */
  parse(input: Record<string, unknown>, field: string, problems: FieldProblem[]): S | undefined;
  /** The selector in the API's form. */
  view(selector: S): Record<string, unknown>;
  /** The tags of a listing it selects; throws on a selector it cannot run. */
  compile(selector: S): (tags: readonly string[]) => Set<string>;
}
