import { DomainError, DomainErrorCode, type NewEvent, type ProxyCacheConfig, type ProxyCacheConfigEvent } from '@ferry/contracts';

/** A proxy-cache organization's settings: one per organization, created and deleted (Quay has no update). */
export interface ProxyCacheState {
  organization: string | null;
  config: ProxyCacheConfig | null;
}

export type ProxyCacheCommand = { kind: 'create'; organization: string; config: ProxyCacheConfig } | { kind: 'delete' };

export const initialProxyCacheState = (): ProxyCacheState => ({ organization: null, config: null });

export function evolveProxyCache(state: ProxyCacheState, event: ProxyCacheConfigEvent): ProxyCacheState {
  switch (event.type) {
    case 'ProxyCacheCreated':
      return { organization: event.data.organization, config: event.data.config };
    case 'ProxyCacheDeleted':
      return { organization: event.data.organization, config: null };
    default:
      return state;
  }
}

export function decideProxyCache(command: ProxyCacheCommand, state: ProxyCacheState): NewEvent<ProxyCacheConfigEvent>[] {
  switch (command.kind) {
    case 'create':
      // Quay's answer to a second configuration, also under contention.
      if (state.config) throw new DomainError(DomainErrorCode.ProxyCacheAlreadyExists, 'Proxy Cache Configuration already exists');
      return [{ type: 'ProxyCacheCreated', data: { organization: command.organization, config: command.config } }];
    case 'delete':
      if (!state.config || state.organization === null) throw new DomainError(DomainErrorCode.ProxyCacheNotFound, 'no proxy cache configuration');
      return [{ type: 'ProxyCacheDeleted', data: { organization: state.organization } }];
    default: {
      const never: never = command;
      return never;
    }
  }
}

export const proxyCacheDecider = { initialState: initialProxyCacheState, evolve: evolveProxyCache, decide: decideProxyCache };
