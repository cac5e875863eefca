import type { HookDeliveryOutcome, MirrorConfig, OrgMirrorConfig } from '@ferry/contracts';
import { compileTagRule } from '../tag-rules/tag-rule';
import type { PushNotice } from './push-senders/push-sender';

/** What one notice of a delivery leads to. */
export type PushRoute =
  | { outcome: typeof HookDeliveryOutcome.Run; mirrorId: string; tags: string[]; detail: string }
  | { outcome: typeof HookDeliveryOutcome.Discovery; organization: string; detail: string }
  | { outcome: typeof HookDeliveryOutcome.Ignored; mirrorId: string | null; detail: string };

/** A repository path without Docker Hub's implied `library/` (official images are named both ways). */
const comparable = (path: string) => path.replace(/^library\//, '');

/** The repository path of `host[:port]/path`. */
const upstreamPath = (reference: string) => reference.slice(reference.indexOf('/') + 1);

/**
 * The pushed tags the rule may select. A tag is tried on its own, which is exact for include and
 * exclude selectors and lets every tag through `keep_newest` (which only the run, seeing the whole
 * listing, can judge): so no tag the rule selects is ever dropped here.
 */
export function pushedTagsTheRuleMaySelect(config: Pick<MirrorConfig, 'tagRule'>, tags: readonly string[]): string[] {
  const select = compileTagRule(config.tagRule, { firstSeen: () => undefined });
  return tags.filter((tag) => select([tag]).length > 0);
}

/** A notice to a repository mirror's hook: a run of the pushed tags its rule selects, when the repository is its upstream. */
export function routeMirrorPush(notice: PushNotice, mirror: { mirrorId: string; config: Pick<MirrorConfig, 'externalReference' | 'tagRule' | 'isEnabled'> }): PushRoute {
  const { mirrorId, config } = mirror;
  if (comparable(notice.repository) !== comparable(upstreamPath(config.externalReference))) {
    return { outcome: 'ignored', mirrorId, detail: `${notice.repository} is not this mirror's upstream (${config.externalReference})` };
  }
  if (notice.kind === 'other') return { outcome: 'ignored', mirrorId, detail: 'no tag was pushed' };
  if (!config.isEnabled) return { outcome: 'ignored', mirrorId, detail: 'the mirror is disabled: it runs on sync-now only' };
  const tags = pushedTagsTheRuleMaySelect(config, notice.tags);
  if (tags.length === 0) return { outcome: 'ignored', mirrorId, detail: `the tag rule selects none of ${notice.tags.join(', ')}` };
  return { outcome: 'run', mirrorId, tags, detail: `run of ${tags.join(', ')}` };
}

/**
 * Where a pushed repository sits under an organization mirror's upstream namespace (`team/app`),
 * or null when it is outside it.
 */
export function pathUnderNamespace(repository: string, externalNamespace: string): string | null {
  const pushed = comparable(repository);
  const prefix = externalNamespace ? `${comparable(externalNamespace)}/` : '';
  return pushed.startsWith(prefix) && pushed.length > prefix.length ? pushed.slice(prefix.length) : null;
}

/**
 * A notice to an organization mirror's hook, given the repository it already mirrors for that
 * upstream path (`child`, null when none): a known repository runs like a repository mirror's
 * push; an unknown one is a new repository, found by the organization mirror's discovery.
 */
export function routeOrgMirrorPush(
  notice: PushNotice,
  org: Pick<OrgMirrorConfig, 'organization' | 'externalNamespace' | 'isEnabled'>,
  child: { mirrorId: string; config: Pick<MirrorConfig, 'externalReference' | 'tagRule' | 'isEnabled'> | null } | null,
): PushRoute {
  if (pathUnderNamespace(notice.repository, org.externalNamespace) === null) {
    return { outcome: 'ignored', mirrorId: null, detail: `${notice.repository} is outside the organization mirror's namespace ${org.externalNamespace}` };
  }
  if (child?.config) return routeMirrorPush(notice, { mirrorId: child.mirrorId, config: child.config });
  if (child) return { outcome: 'ignored', mirrorId: child.mirrorId, detail: `${child.mirrorId} has no mirror` };
  if (notice.kind === 'other') return { outcome: 'ignored', mirrorId: null, detail: `nothing was pushed to ${notice.repository}` };
  if (!org.isEnabled) return { outcome: 'ignored', mirrorId: null, detail: 'the organization mirror is disabled' };
  return { outcome: 'discovery', organization: org.organization, detail: `${notice.repository} is new: discovery of ${org.organization}` };
}
