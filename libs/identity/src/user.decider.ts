import { DomainError, DomainErrorCode, type EncryptedSecret, type NewEvent, type PasswordHash, type Scope, type UserEvent } from '@ferry/contracts';

/** A token's sealed form, when it was kept (tokens made before it was are only hashed: never shown again). */
export interface ApiTokenState {
  revoked: boolean;
  sealed: EncryptedSecret | null;
  /** A sign-in's session: a password change ends it. */
  session: boolean;
  /** The OAuth application that minted it, by `organization/clientId`; null for the user's own tokens. */
  application: string | null;
}

/** The title sessions were told apart by before `ApiTokenCreated` marked them (the web console's sign-in title). */
const SESSION_TITLE = 'web console session';

/** How an application is named in a token's state. */
export const applicationKey = (application: { organization: string; clientId: string }): string => `${application.organization}/${application.clientId}`;

export type UserState =
  | { status: 'absent' }
  | { status: 'active'; username: string; email: string | null; enabled: boolean; hasPassword: boolean; tokens: Readonly<Record<string, ApiTokenState>> }
  | { status: 'deleted'; username: string };

export type UserCommand =
  /** `ifAbsent`: the bootstrap's create, which changes nothing when the user exists. */
  | { kind: 'create'; username: string; email: string | null; password: PasswordHash | null; ifAbsent?: boolean }
  | { kind: 'update'; email: string | null }
  /**
   * Quay's password change ends the user's sessions (`invalidate_all_sessions`), but not the
   * session the user changed it with (`keepSession`, its token id: Quay signs that one in again);
   * API tokens and tokens OAuth applications minted live on, as in Quay.
   */
  | { kind: 'change-password'; password: PasswordHash; keepSession?: string }
  | { kind: 'set-enabled'; enabled: boolean }
  | { kind: 'delete' }
  | {
      kind: 'create-token';
      tokenId: string;
      title: string;
      scopes: Scope[];
      expiresAt: string | null;
      tokenHash: string;
      token?: EncryptedSecret;
      session?: boolean;
      application?: { organization: string; clientId: string };
    }
  /** Every live token an OAuth application minted for the user: the application is gone. */
  | { kind: 'revoke-application-tokens'; application: { organization: string; clientId: string } }
  /** The user was given an encrypted password (Quay's client key): recorded, never the key. */
  | { kind: 'issue-client-key' }
  | { kind: 'revoke-token'; tokenId: string }
  /** Its owner reads the token again: recorded; refused (TOKEN_NOT_FOUND) for a revoked token or one only hashed. */
  | { kind: 'read-token'; tokenId: string };

function active(state: UserState): Extract<UserState, { status: 'active' }> {
  if (state.status !== 'active') throw new DomainError(DomainErrorCode.UserNotFound, 'no such user');
  return state;
}

function liveTokenIds(user: Extract<UserState, { status: 'active' }>, which: (token: ApiTokenState, tokenId: string) => boolean): string[] {
  return Object.entries(user.tokens)
    .filter(([id, token]) => !token.revoked && which(token, id))
    .map(([id]) => id);
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
      case 'ApiTokenCreated': {
        if (state.status !== 'active') return state;
        const { tokenId, token, session, title, application } = event.data;
        const created: ApiTokenState = { revoked: false, sealed: token ?? null, session: session ?? title === SESSION_TITLE, application: application ? applicationKey(application) : null };
        return { ...state, tokens: { ...state.tokens, [tokenId]: created } };
      }
      case 'ApiTokenRevoked': {
        const held = state.status === 'active' ? state.tokens[event.data.tokenId] : undefined;
        if (state.status !== 'active' || !held) return state;
        return { ...state, tokens: { ...state.tokens, [event.data.tokenId]: { ...held, revoked: true, sealed: null } } };
      }
      case 'UserUpdated':
        return state.status === 'active' ? { ...state, email: event.data.email } : state;
      case 'UserEnabledChanged':
        return state.status === 'active' ? { ...state, enabled: event.data.enabled } : state;
      case 'ApiTokenRead':
      case 'ClientKeyIssued':
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
        const ended = liveTokenIds(user, (t, id) => t.session && id !== command.keepSession);
        return [
          { type: 'UserPasswordChanged', data: { username: user.username, password: command.password } },
          ...ended.map((tokenId): NewEvent<UserEvent> => ({ type: 'ApiTokenRevoked', data: { username: user.username, tokenId } })),
        ];
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
        const { tokenId, title, scopes, expiresAt, tokenHash, token, session, application } = command;
        const marks = { ...(token ? { token } : {}), ...(session ? { session } : {}), ...(application ? { application } : {}) };
        return [{ type: 'ApiTokenCreated', data: { username: user.username, tokenId, title, scopes, expiresAt, tokenHash, ...marks } }];
      }
      case 'revoke-application-tokens': {
        // A user deleted since has no tokens left to revoke.
        if (state.status !== 'active') return [];
        const key = applicationKey(command.application);
        return liveTokenIds(state, (t) => t.application === key).map((tokenId) => ({ type: 'ApiTokenRevoked', data: { username: state.username, tokenId } }));
      }
      case 'issue-client-key': {
        const user = active(state);
        return [{ type: 'ClientKeyIssued', data: { username: user.username } }];
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
