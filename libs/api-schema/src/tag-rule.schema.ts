import { z } from 'zod';
import type { TagSelector, TagSelectorKind } from '@ferry/contracts';
import { KEEP_NEWEST_BY, MAX_TAG_REGEX_LENGTH, TAG_SELECTOR_KINDS, type SelectorKind } from '@ferry/mirror';

// The selectors of Ferry's `tag_rule`, as the API takes and shows them. The request's whole rule
// (`TAG_RULE_BODY`) is mirror-config's; the selectors are here because its views show them too.

/** Quay's list of tag patterns (`root_rule.rule_value`, a glob selector's `patterns`); an entry may hold several, comma-separated. */
export const TAG_PATTERNS = z
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

/** What `keep_newest` means, in the OpenAPI document; README.md's "Tag rules" says the same. */
export const KEEP_NEWEST_DESCRIPTION =
  'Only the newest `count` of the selected tags stay. `by: semver` (the default) ranks by the version a tag names, highest first (what counts as a version: the semver selector\'s `range`; `1.28-alpine` is a pre-release, below `1.28`); tags that name no version (`latest`, `2024.01.15`) rank after every version. `by: first-seen` ranks by when Ferry first saw the tag upstream, most recent first. Ties (`1.28` and `v1.28.0`, which name one version; tags without a version; tags first seen together) go to the higher tag name in code-unit order, so the tags kept do not depend on the order the registry lists them in.';

/** A rule as the API shows it (`tagRuleView`): the selectors as they are written, keep_newest or null. */
export const TAG_RULE_VIEW = z.object({
  include: z.array(SELECTOR_BODY),
  exclude: z.array(SELECTOR_BODY),
  keep_newest: z.object({ count: z.number().int(), by: z.enum(KEEP_NEWEST_BY) }).nullable().meta({ description: KEEP_NEWEST_DESCRIPTION }),
});
export type TagRuleWireView = z.output<typeof TAG_RULE_VIEW>;
/** One selector as the API shows it: its `kind`, then that kind's fields. */
export type SelectorView = TagRuleWireView['include'][number];
