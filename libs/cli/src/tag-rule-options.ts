import type { ParseArgsOptionDescriptor } from 'node:util';
import type { KeepNewestOrder, TagRule, TagSelector, TagSelectorKind } from '@ferry/contracts';
import { readTagRule, TAG_SELECTOR_KINDS, tagRuleProblems, type SelectorKind, type TagRuleBody } from '@ferry/mirror';

/** The tag-rule flags `ferry sync` and `ferry mirror create` (and `ferry org-mirror create|update`) share, as `node:util` `parseArgs` options. */
export const TAG_RULE_OPTIONS = {
  tags: { type: 'string', multiple: true },
  'tags-regex': { type: 'string', multiple: true },
  'tags-semver': { type: 'string', multiple: true },
  'include-prerelease': { type: 'boolean' },
  exclude: { type: 'string', multiple: true },
  'exclude-regex': { type: 'string', multiple: true },
  'keep-newest': { type: 'string' },
  'keep-newest-by': { type: 'string' },
} as const satisfies Record<string, ParseArgsOptionDescriptor>;

export type TagRuleOption = keyof typeof TAG_RULE_OPTIONS;
export const TAG_RULE_OPTION_NAMES = Object.keys(TAG_RULE_OPTIONS) as TagRuleOption[];

/** The flags' values as `parseArgs` gives them: a list for a repeatable flag, the last value for the others. */
export type TagRuleValues = {
  [K in TagRuleOption]?: (typeof TAG_RULE_OPTIONS)[K] extends { type: 'boolean' } ? boolean : (typeof TAG_RULE_OPTIONS)[K] extends { multiple: true } ? string[] : string;
};

/** How a verb reads the values: `ferry sync` checks them itself, the API verbs leave that to the API. */
export interface TagRuleReading {
  /** `--tags` and `--exclude`, as given. */
  patterns(given: string[]): string[];
  /** `--keep-newest`. */
  count(raw: string): number;
  /** `--keep-newest-by`. */
  order(raw: string): KeepNewestOrder;
}

/** The tag rule the flags ask for; each list as repeated on the command line. */
export interface TagRuleFlags {
  /** `--tags`: comma-separated globs. */
  tags: string[];
  /** `--tags-regex`. */
  regex: string[];
  /** `--tags-semver`. */
  semver: string[];
  /** `--exclude`: comma-separated globs. */
  exclude: string[];
  /** `--exclude-regex`. */
  excludeRegex: string[];
  /** `--include-prerelease`: semver ranges match pre-releases too. */
  includePrerelease?: boolean;
  /** `--keep-newest N`: only the N newest of the matches. */
  keepNewest?: number;
  /** `--keep-newest-by`: newest by version (default) or by when Ferry first saw the tag upstream (mirrors only). */
  keepNewestBy?: KeepNewestOrder;
}

export const TAG_RULE_FLAGS_USAGE = `  --tags PATTERNS            comma-separated shell globs (* ? [seq] [!seq]); repeatable
  --tags-regex REGEX         tags the regular expression matches in full; repeatable
  --tags-semver RANGE        tags whose version (v1.2.3, 1.2) is in the npm semver range; repeatable
  --include-prerelease       semver ranges match pre-releases (1.2.0-rc.1) too
  --exclude PATTERNS         leave out tags these globs match, after the above; repeatable
  --exclude-regex REGEX      leave out tags the regular expression matches; repeatable
  --keep-newest N            only the N newest of what is selected (highest versions first)
  --keep-newest-by ORDER     semver (default), or first-seen: the tags Ferry saw upstream last
                             (a mirror's record; ferry sync keeps none)`;

/** The flags the values ask for. */
export function tagRuleFlags(values: TagRuleValues, read: TagRuleReading): TagRuleFlags {
  return {
    tags: read.patterns(values.tags ?? []),
    regex: values['tags-regex'] ?? [],
    semver: values['tags-semver'] ?? [],
    exclude: read.patterns(values.exclude ?? []),
    excludeRegex: values['exclude-regex'] ?? [],
    ...(values['include-prerelease'] ? { includePrerelease: true } : {}),
    ...(values['keep-newest'] === undefined ? {} : { keepNewest: read.count(values['keep-newest']) }),
    ...(values['keep-newest-by'] === undefined ? {} : { keepNewestBy: read.order(values['keep-newest-by']) }),
  };
}

/** True when any tag-rule flag was given. */
export const tagRuleGiven = (values: TagRuleValues): boolean => TAG_RULE_OPTION_NAMES.some((o) => values[o] !== undefined);

/** True when only Quay's globs were asked for, which `root_rule` says. */
export const onlyGlobs = (f: TagRuleFlags): boolean =>
  f.regex.length + f.semver.length + f.exclude.length + f.excludeRegex.length === 0 && f.keepNewest === undefined;

interface Built {
  body: TagRuleBody;
  /** The flag each selector came from, for messages: `include[1]` was `--tags-regex`. */
  flagOf: Map<string, string>;
}

function build(f: TagRuleFlags): Built {
  const flagOf = new Map<string, string>();
  const list = (side: 'include' | 'exclude', entries: Array<[string, Record<string, unknown>]>): Record<string, unknown>[] =>
    entries.map(([flag, selector], i) => {
      flagOf.set(`tag_rule.${side}[${i}]`, flag);
      return selector;
    });
  const include = list('include', [
    ...(f.tags.length ? [['--tags', { kind: 'glob', patterns: f.tags }] as [string, Record<string, unknown>]] : []),
    ...f.regex.map((pattern): [string, Record<string, unknown>] => ['--tags-regex', { kind: 'regex', pattern }]),
    ...f.semver.map((range): [string, Record<string, unknown>] => ['--tags-semver', { kind: 'semver', range, include_prerelease: f.includePrerelease ?? false }]),
  ]);
  const exclude = list('exclude', [
    ...(f.exclude.length ? [['--exclude', { kind: 'glob', patterns: f.exclude }] as [string, Record<string, unknown>]] : []),
    ...f.excludeRegex.map((pattern): [string, Record<string, unknown>] => ['--exclude-regex', { kind: 'regex', pattern }]),
  ]);
  const body = { include, exclude, ...(f.keepNewest === undefined ? {} : { keep_newest: { count: f.keepNewest, by: f.keepNewestBy ?? 'semver' } }) };
  return { body, flagOf };
}

/** The API's `tag_rule` the flags ask for. */
export const tagRuleBody = (f: TagRuleFlags): TagRuleBody => build(f).body;

/**
 * The rule the flags ask for, or the problems, each naming its flag (`--tags-regex repeats a
 * group...`). Checked by the rule's own `tagRuleProblems`, not the API's schema: `ferry sync`
 * starts without zod, whose ~75 ms every no-op re-sync would pay.
 */
export function tagRuleFromFlags(f: TagRuleFlags): { rule: TagRule } | { problems: string[] } {
  const { body, flagOf } = build(f);
  const rule = readTagRule(body);
  const problems = tagRuleProblems(rule);
  if (problems.length === 0) return { rule };
  return {
    problems: problems.map(({ field, message }) => {
      const at = /^tag_rule\.(?:include|exclude)\[\d+\]/.exec(field)?.[0];
      const flag = at ? flagOf.get(at) : field.startsWith('tag_rule.keep_newest') ? '--keep-newest' : field === 'tag_rule.include' ? '--tags' : undefined;
      return `${flag ?? field} ${message}`;
    }),
  };
}

/** The flag that includes (`--tags-regex`) or excludes (`--exclude-regex`) a kind's selectors; a new kind does not compile until it has its own. */
const SELECTOR_FLAGS: Record<TagSelectorKind, { include: string; exclude: string }> = {
  glob: { include: '--tags', exclude: '--exclude' },
  regex: { include: '--tags-regex', exclude: '--exclude-regex' },
  // No `ferry` verb takes a semver exclude; the API does, and this is how one reads.
  semver: { include: '--tags-semver', exclude: '--exclude-semver' },
};

/**
 * A selector of the API's `tag_rule` in the flags' words (`--tags-semver >=1.27 --include-prerelease`):
 * the kind's flag, then the fields of the kind's own `view`, a list comma-separated and a true
 * boolean as its flag. A kind this CLI does not know shows its fields as the API sent them.
 */
export function selectorText(side: 'include' | 'exclude', selector: Record<string, unknown>): string {
  const name = String(selector.kind);
  const known = Object.hasOwn(TAG_SELECTOR_KINDS, name) ? (name as TagSelectorKind) : undefined;
  const flag = known ? SELECTOR_FLAGS[known][side] : `--${side === 'include' ? 'tags' : 'exclude'}-${name}`;
  const kind = known && (TAG_SELECTOR_KINDS[known] as unknown as SelectorKind<TagSelector>);
  const view = kind ? kind.view(kind.read(selector)) : selector;
  const words = Object.entries(view).flatMap(([field, value]) => {
    if (field === 'kind' || value === false || value === undefined || value === null) return [];
    if (value === true) return [`--${field.replaceAll('_', '-')}`];
    return [Array.isArray(value) ? value.join(',') : String(value)];
  });
  return [flag, ...words].join(' ');
}
