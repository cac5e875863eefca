import { vanishedPlan, type DiscoveryFacts, type OrgMirrorState } from '@ferry/mirror';
import { runErrorOf } from '../run/run-report';
import type { ChildRepositories } from './child-repositories';

/**
 * Carries out the vanished plan once the listing is complete (see `vanishedPlan`): under `report`
 * the newly vanished repositories' mirrors stop; under `delete` each repository goes with its
 * mirror and images, or none do when they are more than the cap allows. A removal that fails
 * does not stop the others; what was not removed stays vanished, for the next discovery.
 */
export async function settleVanished(state: OrgMirrorState, children: ChildRepositories, leaseLost: AbortSignal): Promise<NonNullable<DiscoveryFacts['vanished']> & { vanished: string[] }> {
  const plan = vanishedPlan(state);
  const config = state.config!;
  if (plan.refused) return { vanished: plan.vanished, deleted: [], refused: plan.refused, failure: null };
  for (const repository of plan.stop) {
    leaseLost.throwIfAborted();
    await children.reconcile(config, { repository, upstream: state.repositories[repository]!.upstream, stopped: true });
  }
  const deleted: string[] = [];
  let failure = null;
  for (const repository of plan.remove) {
    leaseLost.throwIfAborted();
    try {
      await children.remove(config, repository, { deleteRepository: true });
      deleted.push(repository);
    } catch (error) {
      failure ??= runErrorOf(error);
    }
  }
  return { vanished: plan.vanished, deleted, refused: null, failure };
}
