import type * as Semver from 'semver';
import type { TagSelector } from '@ferry/contracts';
import type { SelectorKind } from './selector-kind';

let loaded: typeof Semver | undefined;
/** npm's `semver`, loaded on first use: a run (or `ferry sync`) without a semver rule does not pay its ~25 ms to load. */
function semverLib(): typeof Semver {
  return (loaded ??= require('semver') as typeof Semver);
}

type SemverSelector = Extract<TagSelector, { kind: 'semver' }>;

/**
 * `v1.2.3`, `1.2`, `1`, `1.2-rc.1`: an optional `v`, one to three numbers, an optional pre-release.
 * The numbers must also be semver's (no leading zero), which `tagVersion` leaves to `semver.parse`.
 */
const VERSION_TAG = /^[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?$/;

/**
 * The version a tag names (missing minor and patch read as 0; what follows a `-` is a pre-release,
 * so `1.28-alpine` is below `1.28`), or null for tags that name none: `latest`, `1.2.3.4`,
 * `alpine3.19`, and `2024.01.15`, whose leading zeros semver does not allow.
 */
export function tagVersion(tag: string): Semver.SemVer | null {
  const m = VERSION_TAG.exec(tag);
  if (!m) return null;
  return semverLib().parse(`${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}${m[4] ? `-${m[4]}` : ''}`);
}

/**
 * Ranks tags by the versions they name, highest first: negative when `a` is newer, and every
 * version before every tag that names none. 0 for tags that name the same version (`1.28` and
 * `v1.28.0`) or none, which the caller tells apart.
 */
export function byNewestVersion(tags: readonly string[]): (a: string, b: string) => number {
  const versions = new Map(tags.map((tag) => [tag, tagVersion(tag)]));
  return (a, b) => {
    const va = versions.get(a) ?? null;
    const vb = versions.get(b) ?? null;
    if (va && vb) return semverLib().rcompare(va, vb);
    if (va || vb) return va ? -1 : 1;
    return 0;
  };
}

export function semverRangeProblem(range: string): string | undefined {
  if (range.trim().length === 0 || range.length > 256) return 'must be 1 to 256 characters';
  return semverLib().validRange(range) === null ? 'is not a semver range (npm syntax, e.g. ">=1.27 <1.30" or "^2")' : undefined;
}

/** The `semver` selector kind: tags whose version satisfies the range; pre-releases only when asked. */
export const semverKind: SelectorKind<SemverSelector> = {
  read: (body) => ({ kind: 'semver', range: body.range as string, ...(body.include_prerelease ? { includePrerelease: true } : {}) }),
  view: (selector) => ({ kind: 'semver', range: selector.range, include_prerelease: selector.includePrerelease ?? false }),
  problems(selector) {
    const message = semverRangeProblem(selector.range);
    return message ? [{ field: 'range', message }] : [];
  },
  compile(selector) {
    const problem = semverRangeProblem(selector.range);
    if (problem) throw new Error(`semver range ${JSON.stringify(selector.range)} ${problem}`);
    const range = new (semverLib().Range)(selector.range, { includePrerelease: selector.includePrerelease ?? false });
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
