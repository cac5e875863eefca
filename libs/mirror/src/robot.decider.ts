import type { EncryptedSecret, NewEvent, RobotEvent } from '@ferry/contracts';
import { DomainError, DomainErrorCode } from './domain-error';

export interface RobotState {
  username: string | null;
}

export type RobotCommand = {
  kind: 'create';
  namespace: string;
  name: string;
  description: string;
  token: EncryptedSecret;
};

export const robotDecider = {
  initialState: (): RobotState => ({ username: null }),
  evolve(state: RobotState, event: RobotEvent): RobotState {
    return event.type === 'RobotCreated' ? { username: event.data.username } : state;
  },
  decide(command: RobotCommand, state: RobotState): NewEvent<RobotEvent>[] {
    if (state.username !== null) {
      throw new DomainError(DomainErrorCode.RobotAlreadyExists, `robot ${state.username} already exists`);
    }
    const { namespace, name, description, token } = command;
    return [{ type: 'RobotCreated', data: { username: `${namespace}+${name}`, namespace, name, description, token } }];
  },
};
