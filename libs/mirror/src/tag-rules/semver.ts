import semver from 'semver';
import type { TagSelector } from '@ferry/contracts';
import type { SelectorKind } from './selector-kind';

type SemverSelector = Extract<TagSelector, { kind: 'semver' }>;

/** `v1.2.3`, `1.2`, `1`, `1.2-rc.1`: an optional `v`, one to three numbers, an optional pre-release. */
const VERSION_TAG = /^[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?$/;

/** The version a tag names (missing minor and patch read as 0), or null for tags such as `latest`. */
export function tagVersion(tag: string): semver.SemVer | null {
  const m = VERSION_TAG.exec(tag);
  if (!m) return null;
  return semver.parse(`${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}${m[4] ? `-${m[4]}` : ''}`);
}

/** Highest version first; tags that name no version after every version, in their listing order. */
export function newestFirstBySemver(tags: readonly string[]): string[] {
  const versions = tags.map((tag, index) => ({ tag, index, version: tagVersion(tag) }));
  versions.sort((a, b) => {
    if (a.version && b.version) return semver.rcompare(a.version, b.version) || a.index - b.index;
    if (a.version || b.version) return a.version ? -1 : 1;
    return a.index - b.index;
  });
  return versions.map((v) => v.tag);
}

export function semverRangeProblem(range: string): string | undefined {
  if (range.trim().length === 0 || range.length > 256) return 'must be 1 to 256 characters';
  return semver.validRange(range) === null ? 'is not a semver range (npm syntax, e.g. ">=1.27 <1.30" or "^2")' : undefined;
}

/** The `semver` selector kind: tags whose version satisfies the range; pre-releases only when asked. */
export const semverKind: SelectorKind<SemverSelector> = {
  parse(input, field, problems) {
    const { range, include_prerelease: includePrerelease } = input;
    const problem = typeof range === 'string' ? semverRangeProblem(range) : 'must be a semver range';
    if (problem) problems.push({ field: `${field}.range`, message: problem });
    if (includePrerelease !== undefined && typeof includePrerelease !== 'boolean') {
      problems.push({ field: `${field}.include_prerelease`, message: 'must be true or false' });
    }
    if (problem || (includePrerelease !== undefined && typeof includePrerelease !== 'boolean')) return undefined;
    return { kind: 'semver', range: range as string, ...(includePrerelease ? { includePrerelease: true } : {}) };
  },
  view: (selector) => ({ kind: 'semver', range: selector.range, include_prerelease: selector.includePrerelease ?? false }),
  compile(selector) {
    const problem = semverRangeProblem(selector.range);
    if (problem) throw new Error(`semver range ${JSON.stringify(selector.range)} ${problem}`);
    const range = new semver.Range(selector.range, { includePrerelease: selector.includePrerelease ?? false });
    return (tags) =>
      new Set(
        tags.filter((tag) => {
          const version = tagVersion(tag);
          if (!version || (version.prerelease.length > 0 && !selector.includePrerelease)) return false;
          return range.test(version);
        }),
      );
  },
};
