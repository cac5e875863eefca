import type { DiscoveredRepository } from '@ferry/contracts';
import type { OrgMirrorState } from './org-mirror.decider';
import type { RepositorySelection } from './repository-selection';

/** What a worker does about one page of the upstream listing, decided before it writes anything. */
export interface DiscoveryPagePlan {
  /** Names on the page, before filtering. */
  listed: number;
  /** The page's repositories that the filters selected, each with its target name, in listing order (those refused here left out). */
  selected: DiscoveredRepository[];
  /** Selected and not set up by an earlier discovery: the worker sets each up (idempotently, so a resumed page doubles nothing). */
  setUp: DiscoveredRepository[];
  /** Selected, set up before, and marked gone upstream: listed again, their mirrors run again. */
  reappeared: DiscoveredRepository[];
  /** Refused before any write, each with why: no valid target name, or one that is another upstream repository's. */
  failed: { repository: string; message: string }[];
}

/**
 * Turns one listed page into what to do: each name the filters select (`select`: see
 * `repositorySelection`), set up when new, brought back when it had vanished, refused when it has
 * no valid target name or its target is already another upstream repository's (a name template
 * can map two onto one). Pure: the page and the organization mirror's state in, the plan out.
 */
export function planDiscoveryPage(names: readonly string[], state: Pick<OrgMirrorState, 'repositories'>, select: (names: readonly string[]) => RepositorySelection[]): DiscoveryPagePlan {
  const plan: DiscoveryPagePlan = { listed: names.length, selected: [], setUp: [], reappeared: [], failed: [] };
  const onPage = new Map<string, string>();
  for (const selection of select(names)) {
    const { upstream } = selection;
    if ('problem' in selection) {
      plan.failed.push({ repository: upstream, message: selection.problem });
      continue;
    }
    const { repository } = selection;
    const owner = onPage.get(repository) ?? state.repositories[repository]?.upstream;
    if (owner !== undefined && owner !== upstream) {
      plan.failed.push({ repository, message: `upstream ${upstream} maps to ${repository}, which mirrors upstream ${owner} already` });
      continue;
    }
    // A listing that shows a name twice sets it up once.
    if (onPage.has(repository)) continue;
    onPage.set(repository, upstream);
    const entry = { repository, upstream };
    plan.selected.push(entry);
    const known = state.repositories[repository];
    if (!known) plan.setUp.push(entry);
    else if (known.vanishedAt !== null) plan.reappeared.push(entry);
  }
  return plan;
}
