import { Script, createContext, type Context } from 'node:vm';
import type { TagSelector } from '@ferry/contracts';
import type { SelectorKind } from './selector-kind';

type RegexSelector = Extract<TagSelector, { kind: 'regex' }>;

/** The longest tag regex the API takes. */
export const MAX_TAG_REGEX_LENGTH = 256;
/** A whole listing is matched under this bound, a second line of defence behind `regexProblem`. */
const MATCH_TIMEOUT_MS = 2000;

interface Group {
  quantified: boolean;
  alternation: boolean;
}

/**
 * Why a pattern could backtrack catastrophically, or undefined. RE2's answer is a linear-time
 * engine; JavaScript's backtracks, so what makes it blow up is refused: backreferences,
 * lookarounds, a repeated group that holds a quantifier (`(a+)+`) or an alternation (`(a|aa)*`).
 */
function backtrackingProblem(pattern: string): string | undefined {
  const stack: Group[] = [{ quantified: false, alternation: false }];
  /** What the last atom was, for the quantifier that may follow it. */
  let last: Group | 'atom' | null = null;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    const top = stack[stack.length - 1]!;
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') return 'uses a backreference';
      i++;
      last = 'atom';
    } else if (ch === '[') {
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
      last = 'atom';
    } else if (ch === '(') {
      if (/^\(\?<?[=!]/.test(pattern.slice(i, i + 4))) return 'uses a lookaround';
      stack.push({ quantified: false, alternation: false });
      last = null;
    } else if (ch === ')') {
      if (stack.length === 1) return undefined; // unbalanced: the RegExp constructor names it
      last = stack.pop()!;
      const parent = stack[stack.length - 1]!;
      parent.quantified ||= last.quantified;
    } else if (ch === '|') {
      top.alternation = true;
      last = null;
    } else if (ch === '*' || ch === '+' || ch === '?' || ch === '{') {
      let repeats = ch !== '?';
      if (ch === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
        if (!m) {
          last = 'atom';
          continue;
        }
        repeats = m[2] === undefined ? Number(m[1]) > 1 : m[3] === '' || Number(m[3]) > 1;
        i += m[0].length - 1;
      }
      if (pattern[i + 1] === '?') i++; // lazy
      if (repeats && last !== null && last !== 'atom') {
        if (last.quantified) return 'repeats a group that holds a quantifier (nested quantifiers)';
        if (last.alternation) return 'repeats a group that holds an alternation';
      }
      top.quantified = true;
      last = null;
    } else {
      last = 'atom';
    }
  }
  return undefined;
}

/** Compiled by the function the worker runs: the whole tag must match. */
function compileRegex(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

/** Why a pattern is refused, or undefined when it is fine. */
export function regexProblem(pattern: string): string | undefined {
  if (pattern.length === 0 || pattern.length > MAX_TAG_REGEX_LENGTH) return `must be 1 to ${MAX_TAG_REGEX_LENGTH} characters`;
  try {
    compileRegex(pattern);
  } catch (error) {
    return `is not a regular expression (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`;
  }
  const problem = backtrackingProblem(pattern);
  return problem && `${problem}, which can take exponential time; write it without`;
}

/** The context the filter runs in, made on first use: a run without a regex rule does not pay for a V8 context. */
let sandbox: { context: Context; filter: Script } | undefined;

/** The tags the pattern matches in full; throws when it is unsafe, or when matching outlasts the bound. */
export function compileTagRegex(pattern: string): (tags: readonly string[]) => Set<string> {
  const problem = regexProblem(pattern);
  if (problem) throw new Error(`tag regex ${JSON.stringify(pattern)} ${problem}`);
  const re = compileRegex(pattern);
  const { context, filter } = (sandbox ??= { context: createContext({}), filter: new Script('tags.filter((tag) => re.test(tag))') });
  return (tags) => {
    Object.assign(context, { re, tags });
    try {
      return new Set(filter.runInContext(context, { timeout: MATCH_TIMEOUT_MS }) as string[]);
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
        throw new Error(`tag regex ${JSON.stringify(pattern)} took longer than ${MATCH_TIMEOUT_MS} ms over ${tags.length} tags`);
      }
      throw error;
    } finally {
      Object.assign(context, { re: undefined, tags: undefined });
    }
  };
}

/** The `regex` selector kind. */
export const regexKind: SelectorKind<RegexSelector> = {
  read: (body) => ({ kind: 'regex', pattern: body.pattern as string }),
  view: (selector) => ({ kind: 'regex', pattern: selector.pattern }),
  problems(selector) {
    const message = regexProblem(selector.pattern);
    return message ? [{ field: 'pattern', message }] : [];
  },
  compile: (selector) => compileTagRegex(selector.pattern),
};
