import { randomInt } from 'node:crypto';
import { DomainError, DomainErrorCode, SCOPES, type EncryptedSecret, type NewEvent, type OAuthApplicationEvent, type OAuthApplicationFields, type Scope } from '@ferry/contracts';

export type OAuthApplicationState =
  | { status: 'absent' }
  | ({ status: 'active'; organization: string; clientId: string; clientSecret: EncryptedSecret } & OAuthApplicationFields)
  | { status: 'deleted'; organization: string; clientId: string };

export type OAuthApplicationCommand =
  | ({ kind: 'create'; organization: string; clientId: string; clientSecret: EncryptedSecret } & OAuthApplicationFields)
  /** Quay's PUT: every field is set (what is left out becomes empty, as in Quay). */
  | ({ kind: 'update' } & OAuthApplicationFields)
  | { kind: 'reset-client-secret'; clientSecret: EncryptedSecret }
  | { kind: 'delete' };

/** The aggregate id of an organization's application. */
export const oauthApplicationId = (organization: string, clientId: string): string => `${organization}/${clientId}`;

const FIELDS = ['name', 'description', 'applicationUri', 'redirectUri', 'avatarEmail'] as const;
const fieldsOf = (source: OAuthApplicationFields): OAuthApplicationFields => ({
  name: source.name,
  description: source.description,
  applicationUri: source.applicationUri,
  redirectUri: source.redirectUri,
  avatarEmail: source.avatarEmail,
});

function active(state: OAuthApplicationState): Extract<OAuthApplicationState, { status: 'active' }> {
  if (state.status !== 'active') throw new DomainError(DomainErrorCode.OAuthApplicationNotFound, 'no such application');
  return state;
}

/** Quay's OAuth applications of an organization: a client id, a client secret (sealed) and what the admins say of it. */
export const oauthApplicationDecider = {
  initialState: (): OAuthApplicationState => ({ status: 'absent' }),
  evolve(state: OAuthApplicationState, event: OAuthApplicationEvent): OAuthApplicationState {
    switch (event.type) {
      case 'OAuthApplicationCreated': {
        const { organization, clientId, clientSecret } = event.data;
        return { status: 'active', organization, clientId, clientSecret, ...fieldsOf(event.data) };
      }
      case 'OAuthApplicationUpdated':
        return state.status === 'active' ? { ...state, ...fieldsOf(event.data) } : state;
      case 'OAuthApplicationClientSecretReset':
        return state.status === 'active' ? { ...state, clientSecret: event.data.clientSecret } : state;
      case 'OAuthApplicationDeleted':
        return { status: 'deleted', organization: event.data.organization, clientId: event.data.clientId };
      default: {
        const never: never = event;
        return never;
      }
    }
  },
  /** A create of a client id that exists changes nothing (a retried request); an update to what the application already says, too. */
  decide(command: OAuthApplicationCommand, state: OAuthApplicationState): NewEvent<OAuthApplicationEvent>[] {
    switch (command.kind) {
      case 'create': {
        if (state.status === 'active') return [];
        const { organization, clientId, clientSecret } = command;
        return [{ type: 'OAuthApplicationCreated', data: { organization, clientId, clientSecret, ...fieldsOf(command) } }];
      }
      case 'update': {
        const app = active(state);
        if (FIELDS.every((field) => app[field] === command[field])) return [];
        return [{ type: 'OAuthApplicationUpdated', data: { organization: app.organization, clientId: app.clientId, ...fieldsOf(command) } }];
      }
      case 'reset-client-secret': {
        const app = active(state);
        return [{ type: 'OAuthApplicationClientSecretReset', data: { organization: app.organization, clientId: app.clientId, clientSecret: command.clientSecret } }];
      }
      case 'delete': {
        const app = active(state);
        return [{ type: 'OAuthApplicationDeleted', data: { organization: app.organization, clientId: app.clientId } }];
      }
      default: {
        const never: never = command;
        throw new Error(`unknown command ${JSON.stringify(never)}`);
      }
    }
  },
};

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Quay's client ids (20) and client secrets (40): letters and digits from a cryptographic source. */
export function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

export const CLIENT_ID_LENGTH = 20;
export const CLIENT_SECRET_LENGTH = 40;

/**
 * Quay's scope string (`auth/scopes.py`): scopes separated by spaces (RFC 6749 §3.3) or commas.
 * Null when it names none, or any scope Quay does not know.
 */
export function parseScopeString(text: string | undefined): Scope[] | null {
  const names = (text ?? '').split(/[ ,]+/).filter((name) => name !== '');
  if (!names.length || names.some((name) => !SCOPES.includes(name as Scope))) return null;
  return [...new Set(names as Scope[])];
}

/**
 * Quay's check of a redirect URI against the application's (`validate_redirect_uri`): the same
 * scheme and host, a path under the application's, and none of the tricks that leave it (user
 * info, `..` even percent-encoded, `@`, percent-encoding after the prefix).
 */
export function redirectUriAllowed(configured: string, provided: string): boolean {
  if (!configured || !provided) return false;
  let want: URL;
  let got: URL;
  try {
    want = new URL(configured);
    got = new URL(provided);
  } catch {
    return false;
  }
  if (want.protocol !== got.protocol || want.host !== got.host) return false;
  if (got.username || got.password) return false;
  // WHATWG URL resolves a literal `..` away: look at what was sent.
  const sentPath = rawPath(provided);
  let decoded: string;
  try {
    decoded = decodeURIComponent(sentPath);
  } catch {
    return false;
  }
  if (decoded.includes('..') || sentPath.includes('@')) return false;
  const prefix = rawPath(configured);
  if (!sentPath.startsWith(prefix)) return false;
  return !sentPath.slice(prefix.length).includes('%');
}

/** The path of a URL as written, before any normalising. */
function rawPath(url: string): string {
  const afterScheme = url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/, '');
  const end = afterScheme.search(/[?#]/);
  return end < 0 ? afterScheme : afterScheme.slice(0, end);
}

/** The query parameters added to a redirect (Quay's `build_url`): those given replace the URI's own; null ones are left out. */
function withQuery(uri: string, params: Record<string, string | null | undefined>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  return url.toString();
}

/** Where the implicit grant sends the user agent: the redirect URI, the scope and state in its query, the token in its fragment (RFC 6749 §4.2.2). */
export function tokenRedirect(redirectUri: string, grant: { accessToken: string; expiresIn: number; scope: string; state: string | null }): string {
  const base = withQuery(redirectUri, { scope: grant.scope, state: grant.state });
  return `${base}#access_token=${encodeURIComponent(grant.accessToken)}&token_type=Bearer&expires_in=${grant.expiresIn}`;
}

/** An OAuth error sent back to the redirect URI (RFC 6749 §4.2.2.1), as Quay's provider does. */
export function errorRedirect(redirectUri: string, error: string): string {
  return withQuery(redirectUri, { error });
}
