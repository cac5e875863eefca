import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { robotNamespace, SCOPES } from '@ferry/contracts';
import { clientKeyMatches, isClientKey, tokenHash, TokenKind, tokenKindOf, verifyPassword, type Caller } from '@ferry/identity';
import type { SecretBox } from '@ferry/secrets';
import { errorText } from '@ferry/service-runtime';
import type { MirrorConfigServiceConfig } from '../config';
import { ForbiddenError, SignInThrottledError, UnauthenticatedError } from '../http/problem';
import { SECRET_BOX, SERVICE_CONFIG } from '../tokens';
import type { Credential } from './credential';
import { CredentialQueries } from './credential-queries';
import { OidcTokenError, OidcVerifier } from './oidc-verifier';
import { csrfTokenMatches, CSRF_HEADER } from './session';
import { SignInThrottle } from './sign-in-throttle';

/** A token's last use is written at most this often, so a busy client costs no write per request. */
const USAGE_WRITE_INTERVAL_MS = 30_000;
/** The user name Quay's clients sign in with an app token under. */
const APP_TOKEN_USERNAME = '$app';
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Turns a credential into a caller, or refuses it. Tokens are looked up by their hash in the read
 * model on every request, with no cache: a revoke that the API has acknowledged is therefore
 * refused at once by every replica that shares the database.
 */
@Injectable()
export class Authenticator {
  private readonly logger = new Logger('auth');
  private readonly throttle = new SignInThrottle();
  private readonly oidc: OidcVerifier | undefined;
  private readonly usageWritten = new Map<string, number>();

  constructor(
    private readonly queries: CredentialQueries,
    @Inject(SERVICE_CONFIG) private readonly config: MirrorConfigServiceConfig,
    /** Opens encrypted passwords (client keys); without it, none is accepted. */
    @Optional() @Inject(SECRET_BOX) private readonly secrets?: SecretBox,
  ) {
    this.oidc = config.oidc ? new OidcVerifier(config.oidc) : undefined;
  }

  /** Null when no credential was sent; throws UnauthenticatedError when the credential is not good. */
  async authenticate(credential: Credential | null | undefined, address: string): Promise<Caller | null> {
    if (credential === undefined) return null;
    if (credential === null) throw new UnauthenticatedError('the Authorization header cannot be read', true);
    if (credential.kind === 'bearer') return this.bearer(credential.token);
    if (credential.kind === 'session') return this.session(credential.token, credential.csrf, credential.unsafe);
    const { username, secret } = credential;
    if (robotNamespace(username) !== null) return this.robot(secret, username);
    if (isClientKey(secret)) return this.clientKey(username, secret);
    // Quay's app-specific token login: `docker login -u '$app' -p <token>` names no user, the token does.
    if (username === APP_TOKEN_USERNAME && tokenKindOf(secret) === TokenKind.User) return this.userToken(secret);
    if (tokenKindOf(secret) === TokenKind.User) return this.userToken(secret, username);
    return this.password(username, secret, address);
  }

  /** A user's password sign-in (the web console's), throttled and logged as any other. */
  async signIn(username: string, password: string, address: string): Promise<Caller> {
    return this.password(username, password, address);
  }

  /**
   * The web console's session cookie: the API token its sign-in minted (expiring, revocable).
   * An unsafe method also needs the session's CSRF token in a header, which another site's page
   * cannot read or send.
   */
  async session(token: string, csrf: string | undefined, unsafe: boolean): Promise<Caller> {
    if (tokenKindOf(token) !== TokenKind.User) throw new UnauthenticatedError('the session cookie is not valid: sign in again', true);
    const caller = await this.userToken(token).catch((error: unknown) => {
      throw error instanceof UnauthenticatedError ? new UnauthenticatedError('the session has ended (expired or signed out): sign in again', true) : error;
    });
    if (unsafe && !csrfTokenMatches(token, csrf)) throw new ForbiddenError(`a change made with the session cookie needs the session's CSRF token in the ${CSRF_HEADER} header`);
    return caller;
  }

  private async bearer(token: string): Promise<Caller> {
    const kind = tokenKindOf(token);
    if (kind === TokenKind.User) return this.userToken(token);
    if (kind === TokenKind.Robot) return this.robot(token);
    if (this.oidc && JWT.test(token)) return this.singleSignOn(token);
    throw new UnauthenticatedError('the bearer token is not a Ferry token', true);
  }

  private async userToken(token: string, expectedUser?: string): Promise<Caller> {
    const row = await this.queries.liveToken(tokenHash(token));
    if (!row || (expectedUser !== undefined && row.username !== expectedUser)) throw new UnauthenticatedError('the token is not valid (unknown or revoked)', true);
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) throw new UnauthenticatedError('the token has expired', true);
    if (await this.queries.userDisabled(row.username)) throw new UnauthenticatedError(DISABLED, true);
    // A token an OAuth application minted dies with the application, before its revocations land.
    if (row.applicationClientId !== null && !(await this.queries.applicationExists(row.applicationClientId))) throw new UnauthenticatedError('the token is not valid (its application was deleted)', true);
    this.noteUse(row.tokenId);
    return this.user(row.username, row.scopes, row.tokenId);
  }

  private async robot(token: string, expectedName?: string): Promise<Caller> {
    const row = tokenKindOf(token) === TokenKind.Robot ? await this.queries.robotByTokenHash(tokenHash(token)) : null;
    if (!row || (expectedName !== undefined && row.username !== expectedName)) throw new UnauthenticatedError('the robot credentials are not valid', true);
    return { kind: 'robot', username: row.username, namespace: row.namespace };
  }

  /**
   * Quay's encrypted password (a client key) in place of the password: good while the password it
   * was made for is the user's, and it speaks for the user as the password would.
   */
  private async clientKey(username: string, key: string): Promise<Caller> {
    const row = await this.queries.user(username);
    if (!this.secrets || !row || !clientKeyMatches(this.secrets, key, username, row.passwordHash)) {
      throw new UnauthenticatedError('the encrypted password is not valid (unknown, or made before the password changed)', true);
    }
    if (!row.enabled) throw new UnauthenticatedError(DISABLED, true);
    return this.user(username, SCOPES, null);
  }

  private async password(username: string, password: string, address: string): Promise<Caller> {
    const keys = [`user:${username}`, `address:${address}`];
    const wait = this.throttle.waitMs(keys);
    if (wait > 0) throw new SignInThrottledError(Math.ceil(wait / 1000));
    const row = await this.queries.user(username);
    // An unknown user costs a hash too, so timing does not tell which names exist.
    const ok = row?.passwordHash ? await verifyPassword(password, row.passwordHash) : (await verifyPassword(password, DUMMY_HASH), false);
    if (!ok) {
      const failures = this.throttle.fail(keys);
      this.logger.warn({ msg: `sign-in failed for user ${username.slice(0, 100)} from ${address} (${failures} in a row)`, user: username.slice(0, 100), address, failures });
      throw new UnauthenticatedError('the user name or password is wrong', true);
    }
    this.throttle.succeed(keys[0]!);
    // Told only to who knows the password, so it reveals nothing to a guesser.
    if (row?.enabled === false) throw new UnauthenticatedError(DISABLED, true);
    return this.user(username, SCOPES, null);
  }

  private async singleSignOn(jwt: string): Promise<Caller> {
    let username: string;
    try {
      username = await this.oidc!.username(jwt);
    } catch (error) {
      if (error instanceof OidcTokenError) throw new UnauthenticatedError(error.message, true);
      // The issuer is away (or answers nonsense): not Ferry's fault, and the caller is told so.
      this.logger.warn(`single sign-on is unavailable: ${errorText(error)}`);
      throw new UnauthenticatedError('the single sign-on issuer cannot be reached', true);
    }
    if (!(await this.queries.userExists(username))) {
      throw new UnauthenticatedError(`the token names ${JSON.stringify(username.slice(0, 100))}, who is no Ferry user`, true);
    }
    if (await this.queries.userDisabled(username)) throw new UnauthenticatedError(DISABLED, true);
    // Single sign-on speaks for the user as a password would; the issuer decides who that is.
    return this.user(username, SCOPES, null);
  }

  private async user(username: string, scopes: readonly (typeof SCOPES)[number][], tokenId: string | null): Promise<Caller> {
    return { kind: 'user', username, superuser: this.config.superusers.includes(username), scopes, tokenId };
  }

  private noteUse(tokenId: string): void {
    const now = Date.now();
    if (now - (this.usageWritten.get(tokenId) ?? 0) < USAGE_WRITE_INTERVAL_MS) return;
    this.usageWritten.set(tokenId, now);
    if (this.usageWritten.size > 50_000) this.usageWritten.clear();
    void this.queries
      .recordTokenUse(tokenId, new Date(now))
      .catch((error: unknown) => this.logger.warn(`could not record a token's last use: ${errorText(error)}`));
  }
}

/** Quay's words for a disabled user's sign-in, with who can change it. */
const DISABLED = 'this user has been disabled; ask a superuser to enable it';

/** A hash of nothing anyone knows, checked against when the user does not exist. */
const DUMMY_HASH = {
  algorithm: 'scrypt',
  cost: { N: 2 ** 15, r: 8, p: 1 },
  salt: 'AAAAAAAAAAAAAAAAAAAAAA==',
  hash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
} as const;
