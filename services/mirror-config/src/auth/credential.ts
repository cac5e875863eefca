import { cookieValue, CSRF_HEADER, isUnsafeMethod, SESSION_COOKIE } from './session';

/**
 * What a caller presented: `Authorization: Bearer <token>` or `Basic <user:secret>`, or the web
 * console's session cookie with the CSRF header it sent (checked when the method is unsafe).
 */
export type Credential =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; secret: string }
  | { kind: 'session'; token: string; csrf: string | undefined; unsafe: boolean };

/**
 * Parses an Authorization header (HTTP) or `authorization` metadata entry (gRPC). Undefined: none
 * was sent; null: one was sent but cannot be read, which is refused like a wrong one.
 */
export function parseAuthorization(header: string | undefined): Credential | null | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^([A-Za-z]+) +(\S+)\s*$/.exec(header);
  if (!match) return null;
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!;
  if (scheme === 'bearer') return value.length <= 8192 ? { kind: 'bearer', token: value } : null;
  if (scheme !== 'basic') return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || decoded.length > 4096) return null;
  return { kind: 'basic', username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * An HTTP request's credential: its Authorization header, else the console's session cookie. The
 * session's CSRF token comes in the header or, as Quay's forms send it, in a `_csrf_token` field.
 */
export function httpCredential(headers: Record<string, string | string[] | undefined>, method: string | undefined, formCsrf?: unknown): Credential | null | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization !== '') return parseAuthorization(authorization);
  const cookie = headers.cookie;
  const token = cookieValue(typeof cookie === 'string' ? cookie : undefined, SESSION_COOKIE);
  if (token === undefined || token === '') return undefined;
  const header = headers[CSRF_HEADER];
  const csrf = typeof header === 'string' ? header : typeof formCsrf === 'string' ? formCsrf : undefined;
  return { kind: 'session', token, csrf, unsafe: isUnsafeMethod(method) };
}
