import { z } from 'zod';
import { TAG_RULE_KIND } from '@ferry/contracts';
import { KEEP_NEWEST_DESCRIPTION, SELECTOR_BODY, TAG_PATTERNS } from '@ferry/api-schema';
import {
  compileTagRule,
  KEEP_NEWEST_BY,
  KEEP_NEWEST_COUNT_PROBLEM,
  MAX_KEEP_NEWEST,
  MAX_SELECTORS,
  normalizeTagPatterns,
  readTagRule,
  selectorCountProblem,
  TAG_SELECTOR_KINDS,
  type FieldProblem,
  type TagRuleBody,
} from '@ferry/mirror';
import { problemsOf } from '../http/schema-problems';

// The API's schemas of Ferry's `tag_rule` and Quay's `root_rule`: they check the types, describe the
// fields in the OpenAPI document, and refuse what the selector kinds' own `problems` find, so the
// API accepts only what the engine runs. The rules themselves are plain TypeScript in
// `@ferry/mirror`, which the engine and `ferry sync` load without zod. The selectors' own schemas
// are `@ferry/api-schema`'s, since the views show them too.

function selectors(required: boolean) {
  const tooMany = selectorCountProblem(MAX_SELECTORS + 1, required)!;
  return z
    .array(SELECTOR_BODY, { error: (issue) => (required && issue.input == null ? selectorCountProblem(0, true) : tooMany) })
    .min(required ? 1 : 0, { error: selectorCountProblem(0, true) })
    .max(MAX_SELECTORS, { error: tooMany });
}

/**
 * Ferry's `tag_rule` (`{ include: [...], exclude: [...], keep_newest: { count, by } }`), read into a
 * `TagRule`, each problem naming its field (`tag_rule.include[0].pattern`). A rule it accepts has
 * been compiled by the worker's own `compileTagRule`.
 */
export const TAG_RULE_BODY = z
  .strictObject(
    {
      include: selectors(true),
      exclude: selectors(false).nullable().optional(),
      keep_newest: z
        .object(
          {
            count: z
              .number({ error: KEEP_NEWEST_COUNT_PROBLEM })
              .int({ error: KEEP_NEWEST_COUNT_PROBLEM })
              .min(1, { error: KEEP_NEWEST_COUNT_PROBLEM })
              .max(MAX_KEEP_NEWEST, { error: KEEP_NEWEST_COUNT_PROBLEM }),
            by: z
              .enum(KEEP_NEWEST_BY, { error: `must be one of ${KEEP_NEWEST_BY.join(', ')}` })
              .optional()
              .meta({ description: 'semver (the default): highest versions first; first-seen: the tags Ferry first saw upstream most recently.' }),
          },
          { error: 'must be an object with count and by' },
        )
        .nullable()
        .optional()
        .meta({ description: KEEP_NEWEST_DESCRIPTION }),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? 'is not a field of a tag rule' : 'must be an object with include, and optionally exclude and keep_newest') },
  )
  .transform((body) => readTagRule(body as TagRuleBody))
  .superRefine((rule, ctx) => {
    try {
      // A mirror's runs carry its record of first sightings; an empty one compiles the same way.
      compileTagRule(rule, { firstSeen: () => undefined });
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: rule.keepNewest?.by === 'first-seen' ? ['keep_newest', 'by'] : [], message: (error as Error).message });
    }
  });

/** Reads Ferry's `tag_rule` (`TAG_RULE_BODY`), each problem naming its field under `field`. */
export function parseTagRule(input: unknown, problems: FieldProblem[], field = 'tag_rule') {
  const parsed = TAG_RULE_BODY.safeParse(input);
  if (!parsed.success) problems.push(...problemsOf(parsed.error, field));
  return parsed.data;
}

/**
 * Quay's `root_rule`: `{ rule_kind: "tag_glob_csv", rule_value: [...] }`, read into its glob
 * patterns (normalized: comma-separated entries split, each trimmed), each problem of a pattern named.
 */
export const ROOT_RULE_BODY = z
  .object(
    {
      rule_kind: z.literal(TAG_RULE_KIND, { error: `must be "${TAG_RULE_KIND}"` }),
      rule_value: TAG_PATTERNS.superRefine((patterns, ctx) => {
        for (const { message } of TAG_SELECTOR_KINDS.glob.problems({ kind: 'glob', patterns })) ctx.addIssue({ code: 'custom', message });
      }),
    },
    { error: 'must be an object with rule_kind and rule_value' },
  )
  .transform((body) => normalizeTagPatterns(body.rule_value));

/** Reads Quay's `root_rule` into its glob patterns, each problem naming its field. */
export function parseRootRule(input: unknown, problems: FieldProblem[], field = 'root_rule'): string[] | undefined {
  const parsed = ROOT_RULE_BODY.safeParse(input);
  if (!parsed.success) problems.push(...problemsOf(parsed.error, field));
  return parsed.data;
}
