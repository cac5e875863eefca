import { z } from 'zod';
import { TAG_RULE_KIND, globTagRule, type KeepNewestOrder, type TagRule, type TagSelector, type TagSelectorKind } from '@ferry/contracts';
import { problemsOf } from '../schema-problems';
import { globKind, normalizeTagPatterns, TAG_PATTERNS } from './glob';
import { regexKind } from './regex';
import { newestFirstBySemver, semverKind } from './semver';
import type { FieldProblem, SelectorKind } from './selector-kind';

/** Every selector kind: adding one is its file and its line here (and its member of `TagSelector`). */
export const TAG_SELECTOR_KINDS: { [K in TagSelectorKind]: SelectorKind<Extract<TagSelector, { kind: K }>> } = {
  glob: globKind,
  regex: regexKind,
  semver: semverKind,
};

const kindOf = <S extends TagSelector>(selector: S) => TAG_SELECTOR_KINDS[selector.kind] as unknown as SelectorKind<S>;

const FIRST_SEEN_UNAVAILABLE = 'keep_newest by "first-seen" needs the record of when Ferry first saw each tag, which only a mirror keeps (ferry sync has none: order by semver)';

/** How `keepNewest` orders the matches, newest first; `first-seen` needs when Ferry first saw each tag. */
const KEEP_NEWEST_ORDERS: Record<KeepNewestOrder, (tags: readonly string[], context: TagRuleContext) => string[]> = {
  semver: newestFirstBySemver,
  'first-seen': (tags, { firstSeen }) => {
    if (!firstSeen) throw new Error(FIRST_SEEN_UNAVAILABLE);
    // A tag never seen before is seen now: the newest.
    const seen = (tag: string) => firstSeen(tag) ?? '\uffff';
    return tags.map((tag, index) => ({ tag, index })).sort((a, b) => (seen(a.tag) < seen(b.tag) ? 1 : seen(a.tag) > seen(b.tag) ? -1 : a.index - b.index)).map((t) => t.tag);
  },
};

/** What some orders need beyond the listing. */
export interface TagRuleContext {
  /** ISO-8601 time Ferry first saw a tag upstream, if it has. */
  firstSeen?: (tag: string) => string | undefined;
}

export const MAX_SELECTORS = 32;
export const MAX_KEEP_NEWEST = 10000;

/**
 * The tags of an upstream listing a rule selects, in listing order: those any include selects
 * and no exclude does, then the newest `keepNewest.count` of them. Throws on a rule it cannot run
 * (the API refuses such rules by compiling them with this function).
 */
export function compileTagRule(rule: TagRule, context: TagRuleContext = {}): (tags: readonly string[]) => string[] {
  const includes = rule.include.map((s) => kindOf(s).compile(s));
  const excludes = rule.exclude.map((s) => kindOf(s).compile(s));
  const keep = rule.keepNewest;
  // Refused when compiled, so the API refuses it rather than a run failing on it.
  if (keep?.by === 'first-seen' && !context.firstSeen) throw new Error(FIRST_SEEN_UNAVAILABLE);
  return (tags) => {
    const included = includes.map((select) => select(tags));
    const excluded = excludes.map((select) => select(tags));
    const matched = tags.filter((tag) => included.some((set) => set.has(tag)) && !excluded.some((set) => set.has(tag)));
    if (!keep || matched.length <= keep.count) return matched;
    const newest = new Set(KEEP_NEWEST_ORDERS[keep.by](matched, context).slice(0, keep.count));
    return matched.filter((tag) => newest.has(tag));
  };
}

/** The tags a rule selects, in their original order. */
export function selectTagsByRule(tags: readonly string[], rule: TagRule, context?: TagRuleContext): string[] {
  return compileTagRule(rule, context)(tags);
}

/** The glob patterns a rule includes: all Quay's `root_rule` can say. */
export function globPatternsOf(rule: TagRule): string[] {
  return rule.include.flatMap((s) => (s.kind === 'glob' ? s.patterns : []));
}

/** True when Quay's `root_rule` says all the rule does. */
export function isQuayRule(rule: TagRule): boolean {
  return rule.exclude.length === 0 && !rule.keepNewest && rule.include.every((s) => s.kind === 'glob');
}

/** Quay's `root_rule` of a rule: its glob includes (the whole rule, when `isQuayRule`). */
export function quayRootRule(rule: TagRule): { rule_kind: typeof TAG_RULE_KIND; rule_value: string[] } {
  return { rule_kind: TAG_RULE_KIND, rule_value: globPatternsOf(rule) };
}

/** The rule in the API's (snake_case) form. */
export function tagRuleView(rule: TagRule): z.output<typeof TAG_RULE_VIEW> {
  return {
    include: rule.include.map((s) => kindOf(s).view(s)),
    exclude: rule.exclude.map((s) => kindOf(s).view(s)),
    keep_newest: rule.keepNewest ? { count: rule.keepNewest.count, by: rule.keepNewest.by } : null,
  };
}

/** The rule with its glob includes replaced by `patterns` (what a `root_rule` alone changes). */
export function withGlobPatterns(rule: TagRule, patterns: string[]): TagRule {
  const first = rule.include.findIndex((s) => s.kind === 'glob');
  const others = rule.include.filter((s) => s.kind !== 'glob');
  const glob: TagSelector = { kind: 'glob', patterns };
  const include = first < 0 ? [glob, ...others] : [...others.slice(0, first), glob, ...others.slice(first)];
  return { ...rule, include };
}

/**
 * Quay's `root_rule`: `{ rule_kind: "tag_glob_csv", rule_value: [...] }`, read into its glob
 * patterns (normalized: comma-separated entries split, each trimmed).
 */
export const ROOT_RULE_BODY = z
  .object(
    { rule_kind: z.literal(TAG_RULE_KIND, { error: `must be "${TAG_RULE_KIND}"` }), rule_value: TAG_PATTERNS },
    { error: 'must be an object with rule_kind and rule_value' },
  )
  .transform((body) => normalizeTagPatterns(body.rule_value));

/** Reads Quay's `root_rule` into its glob patterns, each problem naming its field. */
export function parseRootRule(input: unknown, problems: FieldProblem[], field = 'root_rule'): string[] | undefined {
  const parsed = ROOT_RULE_BODY.safeParse(input);
  if (!parsed.success) problems.push(...problemsOf(parsed.error, field));
  return parsed.data;
}

const KINDS = Object.values(TAG_SELECTOR_KINDS) as SelectorKind<TagSelector>[];
const KIND_NAMES = Object.keys(TAG_SELECTOR_KINDS).join(', ');
/** One selector: its `kind` says which fields it has. */
const SELECTOR_BODY = z.discriminatedUnion('kind', KINDS.map((k) => k.body) as [z.ZodObject, ...z.ZodObject[]], {
  error: (issue) => ((issue as { code: string }).code === 'invalid_type' ? `must be a selector: an object whose kind is one of ${KIND_NAMES}` : `must be one of ${KIND_NAMES}`),
});

function selectors(required: boolean) {
  const message = `must be a list of ${required ? '1' : '0'} to ${MAX_SELECTORS} selectors`;
  return z
    .array(SELECTOR_BODY, { error: (issue) => (required && issue.input == null ? 'must hold at least one selector' : message) })
    .min(required ? 1 : 0, { error: message })
    .max(MAX_SELECTORS, { error: message });
}

const COUNT_MESSAGE = `must be a whole number from 1 to ${MAX_KEEP_NEWEST}`;
const ORDERS = Object.keys(KEEP_NEWEST_ORDERS) as [KeepNewestOrder, ...KeepNewestOrder[]];

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
            count: z.number({ error: COUNT_MESSAGE }).int({ error: COUNT_MESSAGE }).min(1, { error: COUNT_MESSAGE }).max(MAX_KEEP_NEWEST, { error: COUNT_MESSAGE }),
            by: z.enum(ORDERS, { error: `must be one of ${ORDERS.join(', ')}` }).optional().meta({ description: 'semver (the default): highest versions; first-seen: the tags Ferry first saw upstream most recently.' }),
          },
          { error: 'must be an object with count and by' },
        )
        .nullable()
        .optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? 'is not a field of a tag rule' : 'must be an object with include, and optionally exclude and keep_newest') },
  )
  .transform((body): TagRule => {
    const read = (list: Record<string, unknown>[]) => list.map((s) => TAG_SELECTOR_KINDS[s.kind as TagSelectorKind].read(s) as TagSelector);
    const rule: TagRule = { include: read(body.include), exclude: read(body.exclude ?? []) };
    if (body.keep_newest) rule.keepNewest = { count: body.keep_newest.count, by: body.keep_newest.by ?? 'semver' };
    return rule;
  })
  .superRefine((rule, ctx) => {
    try {
      // A mirror's runs carry its record of first sightings; an empty one compiles the same way.
      compileTagRule(rule, { firstSeen: () => undefined });
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: rule.keepNewest?.by === 'first-seen' ? ['keep_newest', 'by'] : [], message: (error as Error).message });
    }
  });

/** A rule as the API shows it (`tagRuleView`): the selectors as they are written, keep_newest or null. */
export const TAG_RULE_VIEW = z.object({
  include: z.array(SELECTOR_BODY),
  exclude: z.array(SELECTOR_BODY),
  keep_newest: z.object({ count: z.number().int(), by: z.enum(ORDERS) }).nullable(),
});

/** Reads Ferry's `tag_rule` (`TAG_RULE_BODY`), each problem naming its field under `field`. */
export function parseTagRule(input: unknown, problems: FieldProblem[], field = 'tag_rule'): TagRule | undefined {
  const parsed = TAG_RULE_BODY.safeParse(input);
  if (!parsed.success) problems.push(...problemsOf(parsed.error, field));
  return parsed.data;
}

export { globTagRule };
