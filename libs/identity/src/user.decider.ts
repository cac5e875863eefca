import { DomainError, DomainErrorCode, type EncryptedSecret, type NewEvent, type PasswordHash, type Scope, type UserEvent } from '@ferry/contracts';

/** A token's sealed form, when it was kept (tokens made before it was are only hashed: never shown again). */
export interface ApiTokenState {
  revoked: boolean;
  sealed: EncryptedSecret | null;
}

export type UserState =
  | { status: 'absent' }
  | { status: 'active'; username: string; email: string | null; enabled: boolean; hasPassword: boolean; tokens: Readonly<Record<string, ApiTokenState>> }
  | { status: 'deleted'; username: string };

export type UserCommand =
  /** `ifAbsent`: the bootstrap's create, which changes nothing when the user exists. */
  | { kind: 'create'; username: string; email: string | null; password: PasswordHash | null; ifAbsent?: boolean }
  | { kind: 'update'; email: string | null }
  | { kind: 'change-password'; password: PasswordHash }
  | { kind: 'set-enabled'; enabled: boolean }
  | { kind: 'delete' }
  | { kind: 'create-token'; tokenId: string; title: string; scopes: Scope[]; expiresAt: string | null; tokenHash: string; token?: EncryptedSecret }
  | { kind: 'revoke-token'; tokenId: string }
  /** Its owner reads the token again: recorded; refused (TOKEN_NOT_FOUND) for a revoked token or one only hashed. */
  | { kind: 'read-token'; tokenId: string };

function active(state: UserState): Extract<UserState, { status: 'active' }> {
  if (state.status !== 'active') throw new DomainError(DomainErrorCode.UserNotFound, 'no such user');
  return state;
}

export const userDecider = {
  initialState: (): UserState => ({ status: 'absent' }),
  evolve(state: UserState, event: UserEvent): UserState {
    switch (event.type) {
      case 'UserCreated':
        return { status: 'active', username: event.data.username, email: event.data.email, enabled: true, hasPassword: event.data.password !== null, tokens: {} };
      case 'UserPasswordChanged':
        return state.status === 'active' ? { ...state, hasPassword: true } : state;
      case 'UserDeleted':
        return state.status === 'active' ? { status: 'deleted', username: state.username } : state;
      case 'ApiTokenCreated':
        return state.status === 'active' ? { ...state, tokens: { ...state.tokens, [event.data.tokenId]: { revoked: false, sealed: event.data.token ?? null } } } : state;
      case 'ApiTokenRevoked':
        return state.status === 'active' ? { ...state, tokens: { ...state.tokens, [event.data.tokenId]: { revoked: true, sealed: null } } } : state;
      case 'UserUpdated':
        return state.status === 'active' ? { ...state, email: event.data.email } : state;
      case 'UserEnabledChanged':
        return state.status === 'active' ? { ...state, enabled: event.data.enabled } : state;
      case 'ApiTokenRead':
        return state;
    }
  },
  decide(command: UserCommand, state: UserState): NewEvent<UserEvent>[] {
    switch (command.kind) {
      case 'create': {
        if (state.status === 'active') {
          if (command.ifAbsent) return [];
          throw new DomainError(DomainErrorCode.UserAlreadyExists, `user ${state.username} already exists`);
        }
        return [{ type: 'UserCreated', data: { username: command.username, email: command.email, password: command.password } }];
      }
      case 'update': {
        const user = active(state);
        if (user.email === command.email) return [];
        return [{ type: 'UserUpdated', data: { username: user.username, email: command.email } }];
      }
      case 'change-password': {
        const user = active(state);
        return [{ type: 'UserPasswordChanged', data: { username: user.username, password: command.password } }];
      }
      case 'set-enabled': {
        const user = active(state);
        if (user.enabled === command.enabled) return [];
        return [{ type: 'UserEnabledChanged', data: { username: user.username, enabled: command.enabled } }];
      }
      case 'delete': {
        const user = active(state);
        return [{ type: 'UserDeleted', data: { username: user.username } }];
      }
      case 'create-token': {
        const user = active(state);
        const { tokenId, title, scopes, expiresAt, tokenHash, token } = command;
        return [{ type: 'ApiTokenCreated', data: { username: user.username, tokenId, title, scopes, expiresAt, tokenHash, ...(token ? { token } : {}) } }];
      }
      case 'revoke-token': {
        const user = active(state);
        const token = user.tokens[command.tokenId];
        if (!token) throw new DomainError(DomainErrorCode.TokenNotFound, `no token ${command.tokenId}`);
        if (token.revoked) return [];
        return [{ type: 'ApiTokenRevoked', data: { username: user.username, tokenId: command.tokenId } }];
      }
      case 'read-token': {
        const user = active(state);
        const token = user.tokens[command.tokenId];
        if (!token || token.revoked || !token.sealed) throw new DomainError(DomainErrorCode.TokenNotFound, `no token ${command.tokenId} that can be shown again`);
        return [{ type: 'ApiTokenRead', data: { username: user.username, tokenId: command.tokenId } }];
      }
    }
  },
};
