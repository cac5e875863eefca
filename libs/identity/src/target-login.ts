import type { EncryptedSecret } from '@ferry/contracts';
import { robotRegistryLogin, type RobotState } from './robot.decider';

/** The target user a deployment may fix (FERRY_TARGET_USERNAME / FERRY_TARGET_PASSWORD). */
export interface FixedTargetUser {
  username?: string;
  password?: string;
}

/**
 * Who writes a mirror's images to the target registry: the deployment's fixed target user when it
 * gives one (a registry that does not ask Ferry's token service), else the mirror's robot, read
 * (`readRobot`) only then and afresh each time, so a changed robot or a regenerated token takes
 * effect on the next write. A deleted robot fails with ROBOT_NOT_FOUND before anything is written.
 */
export async function targetRegistryLogin(
  fixed: FixedTargetUser,
  robotUsername: string,
  readRobot: () => Promise<RobotState>,
  open: (sealed: EncryptedSecret) => string,
): Promise<{ username: string; password: string }> {
  if (fixed.username !== undefined) return { username: fixed.username, password: fixed.password ?? '' };
  return robotRegistryLogin(await readRobot(), robotUsername, open);
}
