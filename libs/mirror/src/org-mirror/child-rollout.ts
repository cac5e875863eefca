import { isDeepStrictEqual } from 'node:util';
import { VanishedAction, type MirrorConfig, type OrgMirrorConfig, type OrgMirrorRepository } from '@ferry/contracts';
import { childMirrorConfig } from './child-mirror';

/** True when a discovered repository's mirror runs no more: it vanished upstream and the policy is `report`. */
export function isStoppedChild(org: Pick<OrgMirrorConfig, 'vanished'>, known: Pick<OrgMirrorRepository, 'vanishedAt'>): boolean {
  return known.vanishedAt !== null && org.vanished.action === VanishedAction.Report;
}

/**
 * The settings a discovered repository's mirror should have now, or null when it has them: the
 * organization mirror's settings for its upstream, keeping the child's own schedule anchor (so a
 * change to the organization does not move every schedule), stopped or not as given. Comparing
 * first makes a rollout idempotent: a redelivered change writes nothing.
 */
export function childMirrorUpdate(
  org: OrgMirrorConfig,
  child: Pick<OrgMirrorRepository, 'repository' | 'upstream'> & { stopped: boolean },
  current: MirrorConfig,
): MirrorConfig | null {
  const desired = childMirrorConfig(org, { repository: child.repository, upstream: child.upstream, syncStartDate: current.syncStartDate, stopped: child.stopped });
  return isDeepStrictEqual(desired, current) ? null : desired;
}
