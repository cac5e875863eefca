import { DomainError, DomainErrorCode, robotUsername, type EncryptedSecret, type NewEvent, type RobotEvent } from '@ferry/contracts';

/** An active robot's state holds its current token, sealed: the worker opens it to sign in as the robot. */
export type RobotState =
  | { status: 'absent' }
  | { status: 'active'; username: string; namespace: string; description: string; token: EncryptedSecret }
  | { status: 'deleted'; username: string };

export type RobotCommand =
  | { kind: 'create'; namespace: string; name: string; description: string; token: EncryptedSecret; tokenHash: string }
  | { kind: 'update'; description: string }
  | { kind: 'regenerate-token'; token: EncryptedSecret; tokenHash: string }
  | { kind: 'delete' }
  /** Its token shown again: recorded, so that every reading is in the usage logs. */
  | { kind: 'read-token' };

function active(state: RobotState): Extract<RobotState, { status: 'active' }> {
  if (state.status !== 'active') throw new DomainError(DomainErrorCode.RobotNotFound, 'no such robot');
  return state;
}

export const robotDecider = {
  initialState: (): RobotState => ({ status: 'absent' }),
  evolve(state: RobotState, event: RobotEvent): RobotState {
    switch (event.type) {
      case 'RobotCreated':
        return { status: 'active', username: event.data.username, namespace: event.data.namespace, description: event.data.description, token: event.data.token };
      case 'RobotDeleted':
        return { status: 'deleted', username: event.data.username };
      case 'RobotTokenRegenerated':
        return state.status === 'active' ? { ...state, token: event.data.token } : state;
      case 'RobotUpdated':
        return state.status === 'active' ? { ...state, description: event.data.description } : state;
      case 'RobotTokenRead':
        return state;
    }
  },
  decide(command: RobotCommand, state: RobotState): NewEvent<RobotEvent>[] {
    switch (command.kind) {
      case 'create': {
        if (state.status === 'active') throw new DomainError(DomainErrorCode.RobotAlreadyExists, `robot ${state.username} already exists`);
        const { namespace, name, description, token, tokenHash } = command;
        return [{ type: 'RobotCreated', data: { username: robotUsername(namespace, name), namespace, name, description, token, tokenHash } }];
      }
      case 'update': {
        const robot = active(state);
        if (robot.description === command.description) return [];
        return [{ type: 'RobotUpdated', data: { username: robot.username, description: command.description } }];
      }
      case 'regenerate-token': {
        const robot = active(state);
        return [{ type: 'RobotTokenRegenerated', data: { username: robot.username, token: command.token, tokenHash: command.tokenHash } }];
      }
      case 'delete': {
        const robot = active(state);
        return [{ type: 'RobotDeleted', data: { username: robot.username, namespace: robot.namespace } }];
      }
      case 'read-token': {
        const robot = active(state);
        return [{ type: 'RobotTokenRead', data: { username: robot.username, namespace: robot.namespace } }];
      }
    }
  },
};

/**
 * How a mirror's robot signs in to the target registry: its name and its token, opened by the
 * caller's secret box. A robot that is gone fails with ROBOT_NOT_FOUND (not retried), before
 * anything is written.
 */
export function robotRegistryLogin(state: RobotState, robotUsername: string, open: (sealed: EncryptedSecret) => string): { username: string; password: string } {
  if (state.status !== 'active') {
    throw Object.assign(new Error(`the mirror's robot ${robotUsername} does not exist; give the mirror another robot_username`), { code: 'ROBOT_NOT_FOUND', retryable: false });
  }
  return { username: state.username, password: open(state.token) };
}
