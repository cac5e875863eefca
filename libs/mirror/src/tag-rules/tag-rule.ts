import { TAG_RULE_KIND, globTagRule, type KeepNewestOrder, type TagRule, type TagSelector, type TagSelectorKind } from '@ferry/contracts';
import { globKind } from './glob';
import { regexKind } from './regex';
import { byNewestVersion, semverKind } from './semver';
import type { FieldProblem, SelectorKind } from './selector-kind';

/** Every selector kind: adding one is its file and its line here (and its member of `TagSelector`). */
export const TAG_SELECTOR_KINDS: { [K in TagSelectorKind]: SelectorKind<Extract<TagSelector, { kind: K }>> } = {
  glob: globKind,
  regex: regexKind,
  semver: semverKind,
};

const kindOf = <S extends TagSelector>(selector: S) => TAG_SELECTOR_KINDS[selector.kind] as unknown as SelectorKind<S>;

const FIRST_SEEN_UNAVAILABLE = 'keep_newest by "first-seen" needs the record of when Ferry first saw each tag, which only a mirror keeps (ferry sync has none: order by semver)';

/** What some orders need beyond the listing. */
export interface TagRuleContext {
  /** ISO-8601 time Ferry first saw a tag upstream, if it has. */
  firstSeen?: (tag: string) => string | undefined;
}

/** Ranks two tags: negative when `a` is the newer, 0 when the order cannot tell them apart. */
type Ranking = (a: string, b: string) => number;

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** How `keepNewest` ranks the matches; `first-seen` needs when Ferry first saw each tag. */
const KEEP_NEWEST_ORDERS: Record<KeepNewestOrder, (tags: readonly string[], context: TagRuleContext) => Ranking> = {
  semver: byNewestVersion,
  'first-seen': (tags, { firstSeen }) => {
    if (!firstSeen) throw new Error(FIRST_SEEN_UNAVAILABLE);
    // A tag never seen before is seen now: the newest.
    const seen = new Map(tags.map((tag) => [tag, firstSeen(tag) ?? '\uffff']));
    return (a, b) => byCodeUnits(seen.get(b)!, seen.get(a)!);
  },
};

/** The orders `keep_newest.by` takes; `semver` is the default. */
export const KEEP_NEWEST_BY = Object.keys(KEEP_NEWEST_ORDERS) as [KeepNewestOrder, ...KeepNewestOrder[]];

/**
 * The tags newest first by `by`. Ties (`1.28` and `v1.28.0`, which name one version; tags that name
 * no version; tags first seen at the same time) go to the higher tag name in code-unit order, so
 * which tags `keepNewest` keeps does not hang on the order a registry lists them in.
 */
export function newestFirst(tags: readonly string[], by: KeepNewestOrder, context: TagRuleContext = {}): string[] {
  const rank = KEEP_NEWEST_ORDERS[by](tags, context);
  return [...tags].sort((a, b) => rank(a, b) || byCodeUnits(b, a));
}

export const MAX_SELECTORS = 32;
export const MAX_KEEP_NEWEST = 10000;

/** Why a list of selectors has the wrong length, or undefined. */
export function selectorCountProblem(count: number, required: boolean): string | undefined {
  if (required && count === 0) return 'must hold at least one selector';
  return count > MAX_SELECTORS ? `must be a list of ${required ? '1' : '0'} to ${MAX_SELECTORS} selectors` : undefined;
}

export const KEEP_NEWEST_COUNT_PROBLEM = `must be a whole number from 1 to ${MAX_KEEP_NEWEST}`;

/**
 * The tags of an upstream listing a rule selects, in listing order: those any include selects
 * and no exclude does, then the newest `keepNewest.count` of them (`newestFirst`). Throws on a rule
 * it cannot run (the API refuses such rules by compiling them with this function).
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
    const newest = new Set(newestFirst(matched, keep.by, context).slice(0, keep.count));
    return matched.filter((tag) => newest.has(tag));
  };
}

/** The tags a rule selects, in their original order. */
export function selectTagsByRule(tags: readonly string[], rule: TagRule, context?: TagRuleContext): string[] {
  return compileTagRule(rule, context)(tags);
}

/** A tag rule in the API's (snake_case) form, with its fields' types checked: what `readTagRule` reads. */
export interface TagRuleBody {
  include: Record<string, unknown>[];
  exclude?: Record<string, unknown>[] | null;
  keep_newest?: { count: number; by?: KeepNewestOrder } | null;
}

/** The rule a body says: each selector read by its kind; keep_newest by semver unless it says otherwise. */
export function readTagRule(body: TagRuleBody): TagRule {
  const read = (list: Record<string, unknown>[]) => list.map((s) => TAG_SELECTOR_KINDS[s.kind as TagSelectorKind].read(s) as TagSelector);
  const rule: TagRule = { include: read(body.include), exclude: read(body.exclude ?? []) };
  if (body.keep_newest) rule.keepNewest = { count: body.keep_newest.count, by: body.keep_newest.by ?? 'semver' };
  return rule;
}

/** A tag rule as the API shows it (mirror-config's `TAG_RULE_VIEW`): the selectors as they are written, keep_newest or null. */
export interface TagRuleView {
  include: Record<string, unknown>[];
  exclude: Record<string, unknown>[];
  keep_newest: { count: number; by: KeepNewestOrder } | null;
}

/** The rule in the API's (snake_case) form. */
export function tagRuleView(rule: TagRule): TagRuleView {
  return {
    include: rule.include.map((s) => kindOf(s).view(s)),
    exclude: rule.exclude.map((s) => kindOf(s).view(s)),
    keep_newest: rule.keepNewest ? { count: rule.keepNewest.count, by: rule.keepNewest.by } : null,
  };
}

/**
 * What is wrong with a rule, each problem naming its field in the API's form under `field`
 * (`tag_rule.include[0].pattern`); none when `compileTagRule` runs it (given what its order needs).
 * The API's schema says the same, field by field, with the same messages.
 */
export function tagRuleProblems(rule: TagRule, field = 'tag_rule'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const side of ['include', 'exclude'] as const) {
    const countProblem = selectorCountProblem(rule[side].length, side === 'include');
    if (countProblem) problems.push({ field: `${field}.${side}`, message: countProblem });
    rule[side].forEach((selector, i) => {
      for (const p of kindOf(selector).problems(selector)) problems.push({ field: `${field}.${side}[${i}].${p.field}`, message: p.message });
    });
  }
  const count = rule.keepNewest?.count;
  if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= MAX_KEEP_NEWEST)) problems.push({ field: `${field}.keep_newest.count`, message: KEEP_NEWEST_COUNT_PROBLEM });
  return problems;
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

/** The rule with its glob includes replaced by `patterns` (what a `root_rule` alone changes). */
export function withGlobPatterns(rule: TagRule, patterns: string[]): TagRule {
  const first = rule.include.findIndex((s) => s.kind === 'glob');
  const others = rule.include.filter((s) => s.kind !== 'glob');
  const glob: TagSelector = { kind: 'glob', patterns };
  const include = first < 0 ? [glob, ...others] : [...others.slice(0, first), glob, ...others.slice(first)];
  return { ...rule, include };
}

export { globTagRule };
