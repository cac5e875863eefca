import picomatch from 'picomatch';
import type { RepositoryPattern } from '@ferry/contracts';
import { compileTagRegex, regexProblem } from '../tag-rules/regex';
import type { FieldProblem } from '../tag-rules/selector-kind';

export type { RepositoryPattern };

/**
 * Which discovered repositories an organization mirror mirrors: those any `include` pattern
 * matches (every one when `include` is empty, as Quay's empty `repository_filters` means) and no
 * `exclude` pattern matches.
 */
export interface RepositoryFilter {
  include: RepositoryPattern[];
  exclude: RepositoryPattern[];
}

/** Patterns per list: far more than a namespace needs, few enough that matching a page stays cheap. */
export const MAX_REPOSITORY_PATTERNS = 100;
/** A repository name's own limit. */
const MAX_PATTERN_LENGTH = 255;

/**
 * picomatch told to leave out what fnmatch lacks (braces, extglobs, globstars, `!` negation),
 * and, with `bash`, to let `*` cross `/` as fnmatch's does.
 */
const PICOMATCH_OPTIONS: picomatch.PicomatchOptions = {
  dot: true,
  nobrace: true,
  noextglob: true,
  noglobstar: true,
  nonegate: true,
  nocase: false,
  strictBrackets: true,
  bash: true,
};

/** The characters of a repository path, plus the glob metacharacters. */
const GLOB_ALPHABET = /^[a-z0-9_.\-/*?[\]!]+$/;

/** fnmatch writes a negated set as `[!seq]`; picomatch reads `!` there literally, so it gets `[^seq]`. */
function compileGlob(pattern: string): (path: string) => boolean {
  const matcher = picomatch(pattern.replace(/\[!/g, '[^'), PICOMATCH_OPTIONS);
  // One argument only: picomatch's second (`returnObject`) would turn a match result into a truthy object.
  return (path) => matcher(path);
}

function globProblem(pattern: string): string | undefined {
  if (pattern.length === 0 || pattern.length > MAX_PATTERN_LENGTH) return `must be 1 to ${MAX_PATTERN_LENGTH} characters`;
  if (/[A-Z]/.test(pattern)) return 'has capital letters, which no repository name holds (names are lowercase)';
  if (!GLOB_ALPHABET.test(pattern)) return 'may hold only lowercase letters, digits, . _ - / and * ? [ ] !';
  // Compiled here by the very function discovery runs, so nothing accepted fails a run.
  try {
    compileGlob(pattern);
  } catch (error) {
    return `cannot be compiled (${(error as Error).message.replace(/ - use .*$/, '')}); write a literal bracket as a set, e.g. [[] or []]`;
  }
  return undefined;
}

/** Why a pattern is refused, or undefined when it is fine. */
export function repositoryPatternProblem(pattern: RepositoryPattern): string | undefined {
  switch (pattern.kind) {
    case 'glob':
      return globProblem(pattern.pattern);
    case 'regex':
      return regexProblem(pattern.pattern);
    default: {
      const never: never = pattern;
      return `has an unknown kind ${JSON.stringify((never as { kind: unknown }).kind)}`;
    }
  }
}

/** Every problem of a filter, each naming its field (`include[2]`). */
export function repositoryFilterProblems(filter: RepositoryFilter): FieldProblem[] {
  return (['include', 'exclude'] as const).flatMap((list) => {
    if (filter[list].length > MAX_REPOSITORY_PATTERNS) return [{ field: list, message: `must hold at most ${MAX_REPOSITORY_PATTERNS} patterns` }];
    return filter[list].flatMap((pattern, i) => {
      const problem = repositoryPatternProblem(pattern);
      return problem ? [{ field: `${list}[${i}]`, message: `${pattern.kind} ${JSON.stringify(pattern.pattern)} ${problem}` }] : [];
    });
  });
}

/** The paths of a batch (a listing's page) a pattern matches. */
function compilePattern(pattern: RepositoryPattern): (paths: readonly string[]) => Set<string> {
  if (pattern.kind === 'regex') {
    // The tag rules' runner: the whole-match rule, the safety check, and a time bound per batch.
    return compileTagRegex(pattern.pattern);
  }
  const problem = globProblem(pattern.pattern);
  if (problem) throw new Error(`repository glob ${JSON.stringify(pattern.pattern)} ${problem}`);
  const matches = compileGlob(pattern.pattern);
  return (paths) => new Set(paths.filter(matches));
}

/**
 * The repositories of a batch (a listing's page of paths relative to the upstream namespace) the
 * filter selects, in their order. Throws on a pattern it cannot run (the API refuses those with
 * {@link repositoryFilterProblems}).
 */
export function compileRepositoryFilter(filter: RepositoryFilter): (paths: readonly string[]) => string[] {
  const includes = filter.include.map(compilePattern);
  const excludes = filter.exclude.map(compilePattern);
  return (paths) => {
    const included = includes.map((select) => select(paths));
    const excluded = excludes.map((select) => select(paths));
    return paths.filter((path) => (includes.length === 0 || included.some((set) => set.has(path))) && !excluded.some((set) => set.has(path)));
  };
}

/** The filter Quay's `repository_filters` (a list of globs; empty: every repository) means. */
export function repositoryFilterFromQuay(repositoryFilters: readonly string[]): RepositoryFilter {
  return { include: repositoryFilters.map((pattern) => ({ kind: 'glob', pattern })), exclude: [] };
}

