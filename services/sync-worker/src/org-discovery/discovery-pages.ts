import type { DiscoveredRepository, OrgMirrorConfig } from '@ferry/contracts';
import type { CommandResult } from '@ferry/event-store';
import { inLanes } from '@ferry/service-runtime';
import { planDiscoveryPage, repositorySelection, type DiscoveryPagePlan, type ListedPage, type OrgMirrorCommand, type OrgMirrorState } from '@ferry/mirror';
import { RepositoryTakenError, type ChildRepositories } from './child-repositories';
import type { PageLister } from './page-lister';

/** Repositories of one page set up at once: each is a few appends, mostly waiting on NATS. */
const SET_UP_CONCURRENCY = 8;

/** The discovery a worker holds, and how it appends to the organization mirror. */
export interface HeldDiscovery {
  runId: string;
  fencingToken: number;
  command(command: OrgMirrorCommand): Promise<CommandResult<OrgMirrorState>>;
}

export interface PageLoop {
  lister: PageLister;
  children: ChildRepositories;
  pageSize: number;
  leaseSeconds: number;
  /** Aborted to stop between pages: cancelled, or the worker stopping. */
  stop: AbortSignal;
  /** Aborted when the lease is lost: stops between repositories too, as nothing more may be recorded. */
  leaseLost: AbortSignal;
  onPage?(page: ListedPage): void;
}

/** The lease was lost in the middle of a page. */
export class LeaseLostError extends Error {
  readonly code = 'LEASE_LOST';
}

/**
 * Lists the upstream from the discovery's checkpoint to its end, one page at a time, and never
 * more than one page in memory: each page filtered, its new repositories set up (and reappeared
 * ones running again), then recorded with the listing's next cursor, which is the checkpoint a
 * resumed discovery starts from and renews the lease. The settings in force are re-read with
 * every recorded page. Returns the state after the last page recorded: complete, or stopped
 * between pages.
 */
export async function listAndSetUp(held: HeldDiscovery, state: OrgMirrorState, loop: PageLoop): Promise<OrgMirrorState> {
  let current = state;
  while (!current.run!.complete && !loop.stop.aborted) {
    const config = current.config!;
    const listing = await loop.lister.listPage(current.run!.cursor, { pageSize: loop.pageSize });
    const plan = planDiscoveryPage(listing.repositories, current, repositorySelection(config));
    const page: ListedPage = { cursor: listing.next, ...(await setUpPage(plan, config, loop)) };
    current = (await held.command({ kind: 'record-page', runId: held.runId, fencingToken: held.fencingToken, page, now: new Date(), leaseSeconds: loop.leaseSeconds })).state;
    loop.onPage?.(page);
  }
  return current;
}

/** Sets up what a page's plan asks; a name that is not the organization mirror's is a failure of that repository, not of the discovery. */
async function setUpPage(plan: DiscoveryPagePlan, config: OrgMirrorConfig, loop: PageLoop): Promise<Omit<ListedPage, 'cursor'>> {
  const now = new Date();
  const added: DiscoveredRepository[] = [];
  const failed = [...plan.failed];
  const attempt = async (entry: DiscoveredRepository, work: () => Promise<unknown>): Promise<boolean> => {
    if (loop.leaseLost.aborted) throw new LeaseLostError('the discovery lost its lease during a page');
    try {
      await work();
      return true;
    } catch (error) {
      if (!(error instanceof RepositoryTakenError)) throw error;
      failed.push({ repository: entry.repository, message: error.message });
      return false;
    }
  };
  // Repositories set up side by side (each is its own aggregates' commands); `added` keeps the listing's order.
  const done = new Array<boolean>(plan.setUp.length).fill(false);
  await inLanes(plan.setUp, SET_UP_CONCURRENCY, async (entry, index) => void (done[index] = await attempt(entry, () => loop.children.setUp(config, entry, now))));
  added.push(...plan.setUp.filter((_, index) => done[index]));
  // Listed again after it vanished: its mirror (made again if it was removed meanwhile) runs again.
  for (const entry of plan.reappeared) {
    await attempt(entry, async () => {
      await loop.children.setUp(config, entry, now);
      await loop.children.reconcile(config, { ...entry, stopped: false });
    });
  }
  return { listed: plan.listed, matched: plan.selected, added, failed };
}
