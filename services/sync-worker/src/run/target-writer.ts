import { aggregateSubject, AggregateKind } from '@ferry/contracts';
import { loadState, type EventStore } from '@ferry/event-store';
import { robotDecider, targetRegistryLogin } from '@ferry/identity';
import type { SecretBox } from '@ferry/secrets';

/** Where the workers write: the target registry, and the fixed credentials a deployment may give (FERRY_TARGET_USERNAME). */
export interface TargetSettings {
  target: { registryUrl: string; username?: string; password?: string; verifyTls: boolean };
}

/** Who writes to the target (see `targetRegistryLogin`), the robot read from its subject in the log. */
export async function targetWriter(store: EventStore, secrets: SecretBox, settings: TargetSettings, robotUsername: string): Promise<{ username: string; password: string }> {
  const readRobot = async () => (await loadState(store, aggregateSubject(store.prefix, AggregateKind.Robot, robotUsername), robotDecider)).state;
  return targetRegistryLogin(settings.target, robotUsername, readRobot, (sealed) => secrets.open(sealed));
}
