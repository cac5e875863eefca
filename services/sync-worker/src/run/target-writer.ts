import { aggregateSubject, AggregateKind } from '@ferry/contracts';
import { loadState, type EventStore } from '@ferry/event-store';
import { robotDecider, robotRegistryLogin } from '@ferry/identity';
import type { SecretBox } from '@ferry/secrets';

/** Where the workers write: the target registry, and the fixed credentials a deployment may give (FERRY_TARGET_USERNAME). */
export interface TargetSettings {
  target: { registryUrl: string; username?: string; password?: string; verifyTls: boolean };
}

/**
 * Who writes to the target: the fixed target user when the deployment gives one (a registry that
 * does not ask Ferry's token service), else the robot, read afresh from its subject each time (so
 * a changed robot or a regenerated token takes effect on the next write). A deleted robot fails
 * before anything is written.
 */
export async function targetWriter(store: EventStore, secrets: SecretBox, settings: TargetSettings, robotUsername: string): Promise<{ username: string; password: string }> {
  const fixed = settings.target;
  if (fixed.username !== undefined) return { username: fixed.username, password: fixed.password ?? '' };
  const { state } = await loadState(store, aggregateSubject(store.prefix, AggregateKind.Robot, robotUsername), robotDecider);
  return robotRegistryLogin(state, robotUsername, (sealed) => secrets.open(sealed));
}
