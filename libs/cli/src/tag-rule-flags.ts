import type { KeepNewestOrder, TagRule } from '@ferry/contracts';
import { readTagRule, tagRuleProblems, type TagRuleBody } from '@ferry/mirror';

/** The tag-rule flags `ferry sync` and `ferry mirror create` share; each list as repeated on the command line. */
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
