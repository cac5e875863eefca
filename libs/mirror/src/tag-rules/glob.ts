import picomatch from 'picomatch';
import type { TagSelector } from '@ferry/contracts';
import type { FieldProblem, SelectorKind } from './selector-kind';

type GlobSelector = Extract<TagSelector, { kind: 'glob' }>;

/**
 * Quay's tag patterns are fnmatch-style shell globs: `*`, `?`, `[seq]`, `[!seq]`, matched against
 * the whole tag, case-sensitively. picomatch is told to leave out everything fnmatch lacks
 * (braces, extglobs, globstars, `!` negation) so a pattern means what Quay's users expect.
 */
const PICOMATCH_OPTIONS: picomatch.PicomatchOptions = {
  dot: true,
  nobrace: true,
  noextglob: true,
  noglobstar: true,
  nonegate: true,
  nocase: false,
  strictBrackets: true,
};

/** The characters a tag may hold, by the OCI distribution spec, plus the glob metacharacters. */
const PATTERN_ALPHABET = /^[A-Za-z0-9_.\-*?[\]!]+$/;

/** Splits Quay's comma-separated form and trims each entry (Quay's UI trims, its API does not). */
export function normalizeTagPatterns(patterns: readonly string[]): string[] {
  return patterns
    .flatMap((entry) => entry.split(','))
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern.length > 0);
}

/** Returns why a pattern is unusable, or undefined when it is fine. */
export function tagPatternProblem(pattern: string): string | undefined {
  if (pattern.length > 128) return 'is longer than 128 characters';
  if (!PATTERN_ALPHABET.test(pattern)) return 'may hold only tag characters and * ? [ ] !';
  let open = false;
  for (const ch of pattern) {
    if (ch === '[') {
      if (open) return 'nests [ inside [';
      open = true;
    } else if (ch === ']') {
      open = false;
    }
  }
  if (open) return 'has an unclosed [';
  // Compiled here by the very function the worker runs, so nothing the API accepts fails a run.
  try {
    compileTagPatterns([pattern]);
  } catch (error) {
    return `cannot be compiled (${(error as Error).message.replace(/ - use .*$/, '')}); write a literal bracket as a set, e.g. [[] or []]`;
  }
  return undefined;
}

/** fnmatch writes a negated set as `[!seq]`; picomatch reads `!` there literally, so it gets `[^seq]`. */
function toPicomatch(pattern: string): string {
  return pattern.replace(/\[!/g, '[^');
}

/**
 * Patterns compiled before, by their list (most recent last): a worker runs the same mirrors' rules
 * again and again, and compiling them was most of what a rule cost a run (picomatch builds and
 * compiles a regular expression per pattern). A matcher keeps no state, so sharing one is safe.
 */
const compiledPatterns = new Map<string, (tag: string) => boolean>();
const COMPILED_PATTERNS_KEPT = 1_000;

/** A predicate true for tags that match any of the patterns (their union). */
export function compileTagPatterns(patterns: readonly string[]): (tag: string) => boolean {
  const key = JSON.stringify(patterns);
  let matches = compiledPatterns.get(key);
  if (matches) {
    compiledPatterns.delete(key);
  } else {
    const matchers = normalizeTagPatterns(patterns).map((p) => picomatch(toPicomatch(p), PICOMATCH_OPTIONS));
    matches = (tag) => matchers.some((matcher) => matcher(tag));
    if (compiledPatterns.size >= COMPILED_PATTERNS_KEPT) compiledPatterns.delete(compiledPatterns.keys().next().value!);
  }
  compiledPatterns.set(key, matches);
  return matches;
}

/** The tags that match any pattern, in their original order. */
export function selectTags(tags: readonly string[], patterns: readonly string[]): string[] {
  const matches = compileTagPatterns(patterns);
  return tags.filter(matches);
}

/** The `glob` selector kind: Quay's patterns, their union. */
export const globKind: SelectorKind<GlobSelector> = {
  read: (body) => ({ kind: 'glob', patterns: normalizeTagPatterns(body.patterns as string[]) }),
  view: (selector) => ({ kind: 'glob', patterns: selector.patterns }),
  problems: (selector) => globPatternProblems(normalizeTagPatterns(selector.patterns), 'patterns'),
  compile(selector) {
    const matches = compileTagPatterns(selector.patterns);
    return (tags) => new Set(tags.filter(matches));
  },
};

/** Every problem of a normalized pattern list, each naming `field`: what `root_rule.rule_value` and a glob selector report. */
export function globPatternProblems(patterns: readonly string[], field: string): FieldProblem[] {
  if (patterns.length === 0) return [{ field, message: 'must hold at least one tag pattern' }];
  return patterns.flatMap((p) => {
    const problem = tagPatternProblem(p);
    return problem ? [{ field, message: `pattern "${p}" ${problem}` }] : [];
  });
}
