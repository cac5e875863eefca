import { z } from 'zod';
import { TAG_RULE_KIND, type TagSelector, type TagSelectorKind } from '@ferry/contracts';
import {
  compileTagRule,
  KEEP_NEWEST_BY,
  KEEP_NEWEST_COUNT_PROBLEM,
  MAX_KEEP_NEWEST,
  MAX_SELECTORS,
  MAX_TAG_REGEX_LENGTH,
  normalizeTagPatterns,
  readTagRule,
  selectorCountProblem,
  TAG_SELECTOR_KINDS,
  type FieldProblem,
  type SelectorKind,
  type TagRuleBody,
} from '@ferry/mirror';
import { problemsOf } from '../http/schema-problems';

// The API's schemas of Ferry's `tag_rule` and Quay's `root_rule`: they check the types, describe the
// fields in the OpenAPI document, and refuse what the selector kinds' own `problems` find, so the
// API accepts only what the engine runs. The rules themselves are plain TypeScript in
// `@ferry/mirror`, which the engine and `ferry sync` load without zod.

/** Quay's list of tag patterns (`root_rule.rule_value`, a glob selector's `patterns`); an entry may hold several, comma-separated. */
const TAG_PATTERNS = z
  .array(z.string({ error: 'must be a list of tag patterns' }), { error: 'must be a list of tag patterns' })
  .meta({ description: 'fnmatch-style globs (`*`, `?`, `[seq]`, `[!seq]`) matched against the whole tag; an entry may hold several, comma-separated.' });

/** Each kind's own fields beside `kind`, as the API takes them; what is wrong with their values, the kind's `problems` says. */
const SELECTOR_FIELDS: { [K in TagSelectorKind]: z.ZodRawShape } = {
  glob: { patterns: TAG_PATTERNS },
  regex: {
    pattern: z
      .string({ error: 'must be a regular expression' })
      .meta({ description: `A JavaScript regular expression matched against the whole tag, 1 to ${MAX_TAG_REGEX_LENGTH} characters; refused if it could backtrack catastrophically.` }),
  },
  semver: {
    range: z.string({ error: 'must be a semver range' }).meta({
      description:
        'An npm semver range (`>=1.27 <1.30`, `^2`) over the versions tags name: an optional `v`, one to three numbers without leading zeros (`v1.2.3`, `1.2`; a missing minor or patch reads as 0), an optional `-pre-release`. Tags that name no version (`latest`, `1.2.3.4`, `2024.01.15`) are never selected.',
    }),
    include_prerelease: z.boolean({ error: 'must be true or false' }).optional(),
  },
};

/** One kind's selector body: its fields' types, then the kind's `problems`, each on its field. */
function selectorBody(name: TagSelectorKind): z.ZodObject {
  const kind = TAG_SELECTOR_KINDS[name] as SelectorKind<TagSelector>;
  return z.object({ kind: z.literal(name), ...SELECTOR_FIELDS[name] }).superRefine((body, ctx) => {
    for (const { field, message } of kind.problems(kind.read(body))) ctx.addIssue({ code: 'custom', path: [field], message });
  });
}

const KIND_NAMES = Object.keys(TAG_SELECTOR_KINDS) as TagSelectorKind[];
/** One selector: its `kind` says which fields it has. */
export const SELECTOR_BODY = z.discriminatedUnion('kind', KIND_NAMES.map(selectorBody) as [z.ZodObject, ...z.ZodObject[]], {
  error: (issue) =>
    (issue as { code: string }).code === 'invalid_type' ? `must be a selector: an object whose kind is one of ${KIND_NAMES.join(', ')}` : `must be one of ${KIND_NAMES.join(', ')}`,
});

function selectors(required: boolean) {
  const tooMany = selectorCountProblem(MAX_SELECTORS + 1, required)!;
  return z
    .array(SELECTOR_BODY, { error: (issue) => (required && issue.input == null ? selectorCountProblem(0, true) : tooMany) })
    .min(required ? 1 : 0, { error: selectorCountProblem(0, true) })
    .max(MAX_SELECTORS, { error: tooMany });
}

/** What `keep_newest` means, in the OpenAPI document; README.md's "Tag rules" says the same. */
export const KEEP_NEWEST_DESCRIPTION =
  'Only the newest `count` of the selected tags stay. `by: semver` (the default) ranks by the version a tag names, highest first (what counts as a version: the semver selector\'s `range`; `1.28-alpine` is a pre-release, below `1.28`); tags that name no version (`latest`, `2024.01.15`) rank after every version. `by: first-seen` ranks by when Ferry first saw the tag upstream, most recent first. Ties (`1.28` and `v1.28.0`, which name one version; tags without a version; tags first seen together) go to the higher tag name in code-unit order, so the tags kept do not depend on the order the registry lists them in.';

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
