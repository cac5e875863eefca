import {
  DomainError,
  DomainErrorCode,
  type EncryptedSecret,
  type HookDeliveryRecorded,
  type HookEvent,
  type HookOwner,
  type HookVerification,
  type NewEvent,
} from '@ferry/contracts';

/** A hook's state: who owns it and how its deliveries prove themselves (the secret itself lives in the read model, hashed). */
export type HookState =
  | { status: 'absent' }
  | { status: 'active'; hookId: string; namespace: string; owner: HookOwner; verification: HookVerification }
  | { status: 'deleted'; hookId: string };

export type HookDeliveryResult = HookDeliveryRecorded['data']['results'][number];

export type HookCommand =
  | { kind: 'create'; hookId: string; namespace: string; owner: HookOwner; verification: HookVerification; secretHash: string; sealedSecret: EncryptedSecret | null }
  | { kind: 'rotate-secret'; secretHash: string; sealedSecret: EncryptedSecret | null }
  | { kind: 'delete' }
  | { kind: 'record-delivery'; deliveryId: string; sender: string; receivedAt: Date; results: HookDeliveryResult[] };

function active(state: HookState): Extract<HookState, { status: 'active' }> {
  if (state.status !== 'active') throw new DomainError(DomainErrorCode.HookNotFound, 'no such hook');
  return state;
}

/** An upstream push hook: its secret can be rotated, it can be deleted, and it records what each delivery did. */
export const hookDecider = {
  initialState: (): HookState => ({ status: 'absent' }),
  evolve(state: HookState, event: HookEvent): HookState {
    switch (event.type) {
      case 'HookCreated':
        return { status: 'active', hookId: event.data.hookId, namespace: event.data.namespace, owner: event.data.owner, verification: event.data.verification };
      case 'HookDeleted':
        return { status: 'deleted', hookId: event.data.hookId };
      case 'HookSecretRotated':
      case 'HookDeliveryRecorded':
        return state;
    }
  },
  decide(command: HookCommand, state: HookState): NewEvent<HookEvent>[] {
    switch (command.kind) {
      case 'create': {
        if (state.status !== 'absent') throw new DomainError(DomainErrorCode.HookAlreadyExists, `hook ${command.hookId} exists (or existed): a new hook takes a new id`);
        const { hookId, namespace, owner, verification, secretHash, sealedSecret } = command;
        return [{ type: 'HookCreated', data: { hookId, namespace, owner, verification, secretHash, sealedSecret } }];
      }
      case 'rotate-secret': {
        const hook = active(state);
        return [{ type: 'HookSecretRotated', data: { hookId: hook.hookId, secretHash: command.secretHash, sealedSecret: command.sealedSecret } }];
      }
      case 'delete': {
        const hook = active(state);
        return [{ type: 'HookDeleted', data: { hookId: hook.hookId, namespace: hook.namespace } }];
      }
      case 'record-delivery': {
        const hook = active(state);
        return [
          {
            type: 'HookDeliveryRecorded',
            data: { hookId: hook.hookId, deliveryId: command.deliveryId, sender: command.sender, receivedAt: command.receivedAt.toISOString(), results: command.results },
          },
        ];
      }
      default: {
        const never: never = command;
        return never;
      }
    }
  },
};
