import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The web console's session: an httpOnly, SameSite=Strict cookie holding a short-lived API token
 * minted at sign-in (so the token checks, the expiry and the revoke of API tokens apply to it, and
 * only its sha256 is stored), and a CSRF token the console sends back in a header on every unsafe
 * request. The CSRF token is derived from the session token (a signed double-submit cookie), so it
 * needs no storage and a cookie planted by another site cannot forge it.
 */
export const SESSION_COOKIE = 'ferry_session';
/** Readable by the console's script (not httpOnly): it copies the value into {@link CSRF_HEADER}. */
export const CSRF_COOKIE = 'ferry_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** The title of the API token a sign-in mints: the user sees, and can revoke, each session among their tokens. */
export const SESSION_TOKEN_TITLE = 'web console session';

/**
 * Quay's API clients sign in in two steps: `GET /csrf_token` (a token, and a cookie holding it),
 * then `POST /api/v1/signin` with the token in {@link CSRF_HEADER} and the cookie. The answer
 * carries the session's own CSRF token in {@link NEXT_CSRF_HEADER}, as Quay's does.
 */
export const PRE_SESSION_COOKIE = 'ferry_presession_csrf';
export const NEXT_CSRF_HEADER = 'X-Next-CSRF-Token';

/** A CSRF token for a sign-in still to come: random, kept only in the caller's cookie. */
export function mintPreSessionCsrf(): string {
  return randomBytes(48).toString('base64url');
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Why a sign-in's CSRF check fails, or null when it passes. A caller that took part in Quay's
 * flow (it holds the cookie) must send the cookie's token in the header. The web console signs in
 * without the cookie, as before; it may send a stale session's CSRF header, which is not checked.
 */
export function signInCsrfProblem(cookie: string | undefined, header: string | undefined): string | null {
  if (cookie === undefined) return null;
  if (header === undefined || !sameSecret(cookie, header)) return `CSRF token was invalid or missing: send GET /csrf_token's token in the ${CSRF_HEADER} header with its cookie`;
  return null;
}

/** Methods that change nothing: a session may call them without the CSRF header. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isUnsafeMethod(method: string | undefined): boolean {
  return !SAFE_METHODS.has((method ?? 'GET').toUpperCase());
}

/** The CSRF token of a session: not the session token, and telling nothing about it. */
export function csrfTokenOf(sessionToken: string): string {
  return createHash('sha256').update(`ferry-csrf\0${sessionToken}`, 'utf8').digest('base64url');
}

export function csrfTokenMatches(sessionToken: string, sent: string | undefined): boolean {
  return sent !== undefined && sameSecret(csrfTokenOf(sessionToken), sent);
}

/** One cookie's value from a `Cookie` header, or undefined when it is not there. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value);
    } catch {
      return value;
    }
  }
  return undefined;
}
