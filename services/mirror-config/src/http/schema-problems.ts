import type { z } from 'zod';
import type { FieldProblem } from '@ferry/mirror';

/** A field's name as the API's problems write it: `external_registry_config.proxy.no_proxy`, `tag_rule.include[0].pattern`. */
export function fieldOf(path: readonly PropertyKey[], prefix = ''): string {
  let field = prefix;
  for (const key of path) field += typeof key === 'number' ? `[${key}]` : field ? `.${String(key)}` : String(key);
  return field || '(body)';
}

/**
 * A schema's refusal as the API's 400 problems, in the schema's field order, each naming its
 * field under `prefix`. A refused unknown field (a strict object's) is named itself.
 */
export function problemsOf(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ field: fieldOf([...issue.path, key], prefix), message: issue.message })) : [{ field: fieldOf(issue.path, prefix), message: issue.message }],
  );
}
