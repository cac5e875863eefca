import type * as Semver from 'semver';
import { z } from 'zod';

let loaded: typeof Semver | undefined;
/** npm's `semver`, loaded on first use: a run (or `ferry sync`) without a semver rule does not pay its ~25 ms to load. */
function semverLib(): typeof Semver {
  return (loaded ??= require('semver') as typeof Semver);
}
import type { TagSelector } from '@ferry/contracts';
import type { SelectorKind } from './selector-kind';

type SemverSelector = Extract<TagSelector, { kind: 'semver' }>;

/** `v1.2.3`, `1.2`, `1`, `1.2-rc.1`: an optional `v`, one to three numbers, an optional pre-release. */
const VERSION_TAG = /^[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?$/;

/** The version a tag names (missing minor and patch read as 0), or null for tags such as `latest`. */
export function tagVersion(tag: string): Semver.SemVer | null {
  const m = VERSION_TAG.exec(tag);
  if (!m) return null;
  return semverLib().parse(`${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}${m[4] ? `-${m[4]}` : ''}`);
}

/** Highest version first; tags that name no version after every version, in their listing order. */
export function newestFirstBySemver(tags: readonly string[]): string[] {
  const versions = tags.map((tag, index) => ({ tag, index, version: tagVersion(tag) }));
  versions.sort((a, b) => {
    if (a.version && b.version) return semverLib().rcompare(a.version, b.version) || a.index - b.index;
    if (a.version || b.version) return a.version ? -1 : 1;
    return a.index - b.index;
  });
  return versions.map((v) => v.tag);
}

export function semverRangeProblem(range: string): string | undefined {
  if (range.trim().length === 0 || range.length > 256) return 'must be 1 to 256 characters';
  return semverLib().validRange(range) === null ? 'is not a semver range (npm syntax, e.g. ">=1.27 <1.30" or "^2")' : undefined;
}

/** The `semver` selector kind: tags whose version satisfies the range; pre-releases only when asked. */
export const semverKind: SelectorKind<SemverSelector> = {
  body: z.object({
    kind: z.literal('semver'),
    range: z
      .string({ error: 'must be a semver range' })
      .superRefine((range, ctx) => {
        const problem = semverRangeProblem(range);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .meta({ description: 'An npm semver range (`>=1.27 <1.30`, `^2`); tags such as `v1.2.3` and `1.2` are read by coercion.' }),
    include_prerelease: z.boolean({ error: 'must be true or false' }).optional(),
  }),
  read: (body) => ({ kind: 'semver', range: body.range as string, ...(body.include_prerelease ? { includePrerelease: true } : {}) }),
  view: (selector) => ({ kind: 'semver', range: selector.range, include_prerelease: selector.includePrerelease ?? false }),
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
