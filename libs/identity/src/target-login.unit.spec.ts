import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EncryptedSecret } from '@ferry/contracts';
import type { RobotState } from './robot.decider';
import { targetRegistryLogin } from './target-login';

const sealed: EncryptedSecret = { keyId: 'k1', ciphertext: 'c2VhbGVk' };
const open = (secret: EncryptedSecret) => `opened:${secret.ciphertext}`;

/** A robot as its subject folds, counting the reads. */
function robotReader(state: RobotState) {
  const reader = { reads: 0, read: async () => (reader.reads++, state) };
  return reader;
}

describe("who writes a mirror's images to the target registry", () => {
  it("is the deployment's fixed target user when it gives one, without reading the robot", async () => {
    const robot = robotReader({ status: 'deleted', username: 'acme+syncer' });
    assert.deepEqual(await targetRegistryLogin({ username: 'ferry', password: 'pw' }, 'acme+syncer', robot.read, open), { username: 'ferry', password: 'pw' });
    assert.deepEqual(await targetRegistryLogin({ username: 'ferry' }, 'acme+syncer', robot.read, open), { username: 'ferry', password: '' });
    assert.equal(robot.reads, 0);
  });

  it("is the mirror's robot, with its token opened, when no target user is fixed", async () => {
    const robot = robotReader({ status: 'active', username: 'acme+syncer', namespace: 'acme', description: '', token: sealed });
    assert.deepEqual(await targetRegistryLogin({}, 'acme+syncer', robot.read, open), { username: 'acme+syncer', password: 'opened:c2VhbGVk' });
    assert.equal(robot.reads, 1);
  });

  it('fails with ROBOT_NOT_FOUND, not retried, when the robot is gone', async () => {
    const robot = robotReader({ status: 'deleted', username: 'acme+syncer' });
    await assert.rejects(targetRegistryLogin({ password: 'ignored without a username' }, 'acme+syncer', robot.read, open), { code: 'ROBOT_NOT_FOUND', retryable: false });
  });
});
