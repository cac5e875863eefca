import type { TagSelector } from '@ferry/contracts';

/** One reason an API request was refused, naming the field in Quay's terms. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * One kind of tag selector: how it is read from the API's (snake_case) form and shown in it, what
 * is wrong with one, and how the worker runs it. Plain TypeScript without zod, because the engine
 * and `ferry sync` load it and a no-op re-sync pays for every module it starts with. The API's
 * schema of each kind (mirror-config's `tag-rule.input.ts`) checks its fields' types, describes
 * them in the OpenAPI document, and refuses what `problems` finds, so it accepts only what
 * `compile` runs.
 */
export interface SelectorKind<S extends TagSelector> {
  /** The selector a body of the kind's fields says, those fields' types already checked. */
  read(body: Record<string, unknown>): S;
  /** The selector in the API's form. */
  view(selector: S): Record<string, unknown>;
  /** What is wrong with the selector, each problem naming its field in the API's form (`pattern`); none when `compile` runs it. */
  problems(selector: S): FieldProblem[];
  /** The tags of a listing it selects; throws on a selector it cannot run. */
  compile(selector: S): (tags: readonly string[]) => Set<string>;
}
