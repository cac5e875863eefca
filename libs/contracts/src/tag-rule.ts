/**
 * Which upstream tags a mirror copies. A tag is selected when any `include` selector matches it
 * and no `exclude` selector does; then, with `keepNewest`, only the newest `count` of those stay.
 * Each selector kind is compiled by one file of `@ferry/mirror`'s `tag-rules/`, listed in its
 * `TAG_SELECTOR_KINDS` table.
 */
export type TagSelector =
  /** Quay's fnmatch-style globs (`*`, `?`, `[seq]`, `[!seq]`), whole tag, case-sensitive; any of them. */
  | { kind: 'glob'; patterns: string[] }
  /** A regular expression matched against the whole tag, refused if it could backtrack catastrophically. */
  | { kind: 'regex'; pattern: string }
  /** An npm `semver` range (`>=1.27 <1.30`); `v1.2.3` and `1.2` are read by coercion; pre-releases only if asked. */
  | { kind: 'semver'; range: string; includePrerelease?: boolean };

export type TagSelectorKind = TagSelector['kind'];

/**
 * `semver`: highest versions first, tags that name no version after them; `first-seen`: the tags
 * Ferry first saw upstream most recently. Ties go to the higher tag name (`@ferry/mirror`'s `newestFirst`).
 */
export type KeepNewestOrder = 'semver' | 'first-seen';

export interface TagRule {
  include: TagSelector[];
  exclude: TagSelector[];
  keepNewest?: { count: number; by: KeepNewestOrder };
}

/** Quay's rule: the union of comma-separated globs, nothing excluded. */
export function globTagRule(patterns: string[]): TagRule {
  return { include: [{ kind: 'glob', patterns }], exclude: [] };
}
