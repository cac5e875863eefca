import { NAME_COMPONENT } from '@ferry/contracts';

/**
 * The tokens of a target repository-name template, and what each stands for. A discovered
 * repository `team/app` of upstream namespace `acme`, mirrored into organization `org`, gives
 * `{namespace}` = `org`, `{upstream_namespace}` = `acme`, `{repository}` = `team/app`,
 * `{flat_repository}` = `team-app`, `{name}` = `app`.
 */
export const REPOSITORY_NAME_TOKENS = {
  namespace: 'the namespace mirrored into (the organization)',
  upstream_namespace: 'the upstream namespace',
  repository: 'the repository\'s path under the upstream namespace, "/" kept',
  flat_repository: 'that path with each "/" written "-": one component, for a namespace/name target',
  name: 'the last component of that path',
} as const;
export type RepositoryNameToken = keyof typeof REPOSITORY_NAME_TOKENS;

/**
 * Quay's organization mirroring keeps the same path in the organization; a Ferry repository is one
 * component under its organization, so a nested upstream path (`team/app`) becomes `team-app`.
 * For the usual one-component upstream names the two agree.
 */
export const DEFAULT_REPOSITORY_NAME_TEMPLATE = '{namespace}/{flat_repository}';

/** What a template is rendered with, for one discovered repository. */
export interface RepositoryNameValues {
  /** The namespace mirrored into. */
  namespace: string;
  upstreamNamespace: string;
  /** The path under the upstream namespace, as the listing gave it (`team/app`). */
  repository: string;
}

/** The distribution spec's limit, and Quay's. */
const MAX_NAME_LENGTH = 255;
/** The characters a template may hold outside its tokens: those of a repository path. */
const LITERAL_ALPHABET = /^[a-z0-9._\-/]*$/;
/** Tokens one of which must appear, or every repository would get the same name. */
const PER_REPOSITORY_TOKENS: readonly RepositoryNameToken[] = ['repository', 'flat_repository', 'name'];
/** Values the template is tried with when it is checked: nested, so `{name}` and `{repository}` differ. */
const SAMPLE: RepositoryNameValues = { namespace: 'org', upstreamNamespace: 'upstream', repository: 'team/app' };

type Part = { literal: string } | { token: RepositoryNameToken };

const isToken = (word: string): word is RepositoryNameToken => Object.hasOwn(REPOSITORY_NAME_TOKENS, word);
const TOKEN_LIST = Object.keys(REPOSITORY_NAME_TOKENS).map((t) => `{${t}}`).join(', ');

/** The template's literals and tokens, or why it cannot be read. */
function parseTemplate(template: string): Part[] | string {
  const parts: Part[] = [];
  for (const m of template.matchAll(/\{([^{}]*)\}|([^{}]+)|([{}])/g)) {
    if (m[3] !== undefined) return `has an unmatched "${m[3]}"`;
    if (m[2] !== undefined) {
      parts.push({ literal: m[2] });
      continue;
    }
    const word = m[1]!;
    if (!isToken(word)) return `has an unknown token {${word}}; the tokens are ${TOKEN_LIST}`;
    parts.push({ token: word });
  }
  return parts;
}

/** Why a rendered path is not a repository name, or undefined: lowercase components separated by `/`. */
export function repositoryPathProblem(path: string): string | undefined {
  if (path.length === 0 || path.length > MAX_NAME_LENGTH) return `must be 1 to ${MAX_NAME_LENGTH} characters`;
  if (!path.split('/').every((component) => NAME_COMPONENT.test(component))) {
    return 'must be components of lowercase letters and digits separated by . _ or -, joined by /';
  }
  return undefined;
}

function tokenValue(token: RepositoryNameToken, values: RepositoryNameValues): string {
  switch (token) {
    case 'namespace':
      return values.namespace;
    case 'upstream_namespace':
      return values.upstreamNamespace;
    case 'repository':
      return values.repository;
    case 'flat_repository':
      return values.repository.replaceAll('/', '-');
    case 'name':
      return values.repository.slice(values.repository.lastIndexOf('/') + 1);
    default: {
      const never: never = token;
      return never;
    }
  }
}

function render(parts: Part[], values: RepositoryNameValues): string {
  return parts.map((part) => ('literal' in part ? part.literal : tokenValue(part.token, values))).join('');
}

/** Why a template is refused, or undefined: it must read, use a per-repository token, and render a valid name. */
export function repositoryNameTemplateProblem(template: string): string | undefined {
  if (template.length === 0 || template.length > MAX_NAME_LENGTH) return `must be 1 to ${MAX_NAME_LENGTH} characters`;
  const parts = parseTemplate(template);
  if (typeof parts === 'string') return parts;
  const badLiteral = parts.find((p) => 'literal' in p && !LITERAL_ALPHABET.test(p.literal));
  if (badLiteral) return `has ${JSON.stringify((badLiteral as { literal: string }).literal)} outside its tokens, where only lowercase letters, digits, . _ - and / may stand`;
  if (!parts.some((p) => 'token' in p && PER_REPOSITORY_TOKENS.includes(p.token))) {
    return 'must use {repository}, {flat_repository} or {name}, or every repository would get the same name';
  }
  const sample = render(parts, SAMPLE);
  const problem = repositoryPathProblem(sample);
  return problem && `renders ${JSON.stringify(sample)} for repository team/app of upstream into org, which ${problem}`;
}

/**
 * The target repository path of each discovered repository, or why there is none (a name too
 * long, or an upstream namespace that renders empty). Nothing is lowercased or replaced behind the
 * caller's back: two upstream names must never quietly become one. Throws on a template
 * {@link repositoryNameTemplateProblem} refuses.
 */
export function compileRepositoryNameTemplate(template: string): (values: RepositoryNameValues) => { name: string } | { problem: string } {
  const templateProblem = repositoryNameTemplateProblem(template);
  if (templateProblem) throw new Error(`repository name template ${JSON.stringify(template)} ${templateProblem}`);
  const parts = parseTemplate(template) as Part[];
  return (values) => {
    const name = render(parts, values);
    const problem = repositoryPathProblem(name);
    return problem ? { problem: `${JSON.stringify(name)}, the name for ${values.repository} of ${values.upstreamNamespace || 'the registry'}, ${problem}` } : { name };
  };
}
