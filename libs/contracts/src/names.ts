/**
 * The name rules of Quay's namespace model, in one place: every edge that takes a name (paths,
 * bodies, gRPC messages, the CLI) and every reference between aggregates checks it here.
 * Each returns the problem in words, or undefined when the name is valid.
 */

/** One path component of a repository name (the OCI distribution spec's rule). */
export const NAME_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const USERNAME = /^[a-z0-9][a-z0-9_.-]*$/;
const ROBOT_SHORTNAME = /^[a-z][a-z0-9_]{1,254}$/;

export function repositoryNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 255) return 'must be 1 to 255 characters';
  if (!NAME_COMPONENT.test(name)) return 'must be lowercase letters and digits separated by . _ or -';
  return undefined;
}

/** An organization's name: a repository name component of at least two characters, as in Quay. */
export function organizationNameProblem(name: string): string | undefined {
  if (name.length < 2) return 'must be 2 to 255 characters';
  return repositoryNameProblem(name);
}

export function usernameProblem(name: string): string | undefined {
  if (name.length < 2 || name.length > 255) return 'must be 2 to 255 characters';
  if (!USERNAME.test(name)) return 'must be lowercase letters, digits, _ . or -, starting with a letter or digit';
  return undefined;
}

/** The part of a robot's name after `ns+`. */
export function robotShortnameProblem(name: string): string | undefined {
  return ROBOT_SHORTNAME.test(name) ? undefined : 'must start with a letter and hold 2 to 255 lowercase letters, digits or _';
}

/** A robot's full name, `namespace+shortname`. */
export function robotUsernameProblem(username: string): string | undefined {
  const plus = username.indexOf('+');
  if (plus <= 0) return 'must name a robot as namespace+name';
  const namespace = repositoryNameProblem(username.slice(0, plus));
  if (namespace) return `has a namespace that ${namespace}`;
  const short = robotShortnameProblem(username.slice(plus + 1));
  return short ? `has a name that ${short}` : undefined;
}
