import { TAG_RULE_KIND, globTagRule, type KeepNewestOrder, type TagRule, type TagSelector, type TagSelectorKind } from '@ferry/contracts';
import { globKind, globPatternProblems, normalizeTagPatterns } from './glob';
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
export function tagRuleView(rule: TagRule) {
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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads Quay's `root_rule` into its glob patterns, each problem naming its field. */
export function parseRootRule(input: unknown, problems: FieldProblem[], field = 'root_rule'): string[] | undefined {
  if (!isObject(input)) {
    problems.push({ field, message: 'must be an object with rule_kind and rule_value' });
    return undefined;
  }
  const before = problems.length;
  if (input.rule_kind !== TAG_RULE_KIND) problems.push({ field: `${field}.rule_kind`, message: `must be "${TAG_RULE_KIND}"` });
  const value = input.rule_value;
  if (!Array.isArray(value) || value.some((p) => typeof p !== 'string')) {
    problems.push({ field: `${field}.rule_value`, message: 'must be a list of tag patterns' });
    return undefined;
  }
  const patterns = normalizeTagPatterns(value as string[]);
  problems.push(...globPatternProblems(patterns, `${field}.rule_value`));
  return problems.length === before ? patterns : undefined;
}

function parseSelectors(input: unknown, field: string, problems: FieldProblem[], required: boolean): TagSelector[] {
  if (input === undefined || input === null) {
    if (required) problems.push({ field, message: 'must hold at least one selector' });
    return [];
  }
  if (!Array.isArray(input) || input.length > MAX_SELECTORS || (required && input.length === 0)) {
    problems.push({ field, message: `must be a list of ${required ? '1' : '0'} to ${MAX_SELECTORS} selectors` });
    return [];
  }
  return input.flatMap((entry, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(entry) || typeof entry.kind !== 'string' || !(entry.kind in TAG_SELECTOR_KINDS)) {
      problems.push({ field: `${at}.kind`, message: `must be one of ${Object.keys(TAG_SELECTOR_KINDS).join(', ')}` });
      return [];
    }
    const selector = TAG_SELECTOR_KINDS[entry.kind as TagSelectorKind].parse(entry, at, problems);
    return selector ? [selector] : [];
  });
}

/**
 * Reads Ferry's `tag_rule` (`{ include: [...], exclude: [...], keep_newest: { count, by } }`),
 * each problem naming its field (`tag_rule.include[0].pattern`). A rule without problems has been
 * compiled by the worker's own `compileTagRule`.
 */
export function parseTagRule(input: unknown, problems: FieldProblem[], field = 'tag_rule'): TagRule | undefined {
  if (!isObject(input)) {
    problems.push({ field, message: 'must be an object with include, and optionally exclude and keep_newest' });
    return undefined;
  }
  const before = problems.length;
  for (const key of Object.keys(input)) {
    if (!['include', 'exclude', 'keep_newest'].includes(key)) problems.push({ field: `${field}.${key}`, message: 'is not a field of a tag rule' });
  }
  const rule: TagRule = {
    include: parseSelectors(input.include, `${field}.include`, problems, true),
    exclude: parseSelectors(input.exclude, `${field}.exclude`, problems, false),
  };
  const keep = input.keep_newest;
  if (keep !== undefined && keep !== null) {
    const count = isObject(keep) ? keep.count : undefined;
    const by = isObject(keep) ? (keep.by ?? 'semver') : undefined;
    if (!isObject(keep)) problems.push({ field: `${field}.keep_newest`, message: 'must be an object with count and by' });
    else if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_KEEP_NEWEST) {
      problems.push({ field: `${field}.keep_newest.count`, message: `must be a whole number from 1 to ${MAX_KEEP_NEWEST}` });
    } else if (typeof by !== 'string' || !(by in KEEP_NEWEST_ORDERS)) {
      problems.push({ field: `${field}.keep_newest.by`, message: `must be one of ${Object.keys(KEEP_NEWEST_ORDERS).join(', ')}` });
    } else {
      rule.keepNewest = { count, by: by as KeepNewestOrder };
    }
  }
  if (problems.length > before) return undefined;
  try {
    // A mirror's runs carry its record of first sightings; an empty one compiles the same way.
    compileTagRule(rule, { firstSeen: () => undefined });
  } catch (error) {
    problems.push({ field: rule.keepNewest?.by === 'first-seen' ? `${field}.keep_newest.by` : field, message: (error as Error).message });
    return undefined;
  }
  return rule;
}

export { globTagRule };
