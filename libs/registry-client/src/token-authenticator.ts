import type { Dispatcher } from 'undici';
import { sendRequest } from './undici-parts';
import { parseAuthChallenge } from './auth-challenge';
import { RegistryError, RegistryErrorCode } from './registry-error';

/** Username and password (or a registry's personal access token as the password). */
export interface RegistryCredentials {
  username: string;
  password: string;
}

interface CachedToken {
  header: string;
  expiresAt: number;
}

/**
 * Answers registry auth challenges: Basic with the credentials, or the Bearer token dance
 * (`realm`, `service`, `scope`) with tokens cached per scope until shortly before they expire.
 * After the first challenge it authenticates new scopes up front, saving a 401 round trip each.
 *
 * The realm is a URL the registry chose, so it is dialled through the registry's own dispatcher:
 * an upstream's realm passes the same address guard as the upstream (`addressGuard`, the
 * `FERRY_SSRF_ALLOWED_HOSTS` allowlist) and a refused one fails with `UPSTREAM_NOT_ALLOWED`; the
 * target's dispatcher has no guard, so a target's token service on loopback keeps working.
 */
export class TokenAuthenticator {
  private scheme: 'none' | 'basic' | 'bearer' | undefined;
  private realm: string | undefined;
  private service: string | undefined;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly credentials: RegistryCredentials | undefined,
    private readonly dispatcher: Dispatcher,
    private readonly opts: { timeoutMs: number; signal?: AbortSignal; onRequest?: (method: string, url: string) => void; now?: () => number },
  ) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private basicHeader(): string | undefined {
    if (!this.credentials) return undefined;
    return `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
  }

  /** The Authorization header to send for `scope`, fetching a token when the registry wants one. */
  async headerFor(scope: string): Promise<string | undefined> {
    if (this.scheme === 'basic') return this.basicHeader();
    if (this.scheme !== 'bearer') return undefined;
    const cached = this.tokens.get(scope);
    if (cached && cached.expiresAt > this.now()) return cached.header;
    return this.fetchToken(scope);
  }

  /**
   * Handles a 401: learns the challenge, drops the token that was refused, and returns the header
   * to retry with, or undefined when there is nothing new to try.
   */
  async onUnauthorized(wwwAuthenticate: string | undefined, scope: string, sentHeader: string | undefined): Promise<string | undefined> {
    if (!wwwAuthenticate) return undefined;
    const challenge = parseAuthChallenge(wwwAuthenticate);
    if (challenge.scheme === 'basic') {
      const header = this.basicHeader();
      this.scheme = 'basic';
      return header !== undefined && header !== sentHeader ? header : undefined;
    }
    if (challenge.scheme !== 'bearer' || !challenge.params['realm']) return undefined;
    this.scheme = 'bearer';
    this.realm = challenge.params['realm'];
    this.service = challenge.params['service'];
    this.tokens.delete(scope);
    // A registry may ask for more than we asked for (e.g. a mount's source repository).
    const wanted = challenge.params['scope'] && !scope.includes(challenge.params['scope']) ? `${scope} ${challenge.params['scope']}` : scope;
    const header = await this.fetchToken(wanted, scope);
    return header !== sentHeader ? header : undefined;
  }

  private fetchToken(scope: string, cacheAs = scope): Promise<string> {
    let pending = this.pending.get(cacheAs);
    if (!pending) {
      pending = this.requestToken(scope, cacheAs).finally(() => this.pending.delete(cacheAs));
      this.pending.set(cacheAs, pending);
    }
    return pending;
  }

  private async requestToken(scope: string, cacheAs: string): Promise<string> {
    const url = URL.canParse(this.realm!) ? new URL(this.realm!) : null;
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new RegistryError(RegistryErrorCode.UnexpectedResponse, 'the registry named a token realm that is not an http(s) URL');
    }
    if (this.service) url.searchParams.set('service', this.service);
    for (const s of scope.split(' ').filter(Boolean)) url.searchParams.append('scope', s);
    const basic = this.basicHeader();
    this.opts.onRequest?.('GET', url.toString());
    let res: Dispatcher.ResponseData;
    try {
      res = await sendRequest(this.dispatcher, {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: basic ? { authorization: basic } : {},
        headersTimeout: this.opts.timeoutMs,
        bodyTimeout: this.opts.timeoutMs,
        signal: this.opts.signal,
      });
    } catch (error) {
      // The address guard's refusal is a refusal, not an outage.
      if (error instanceof RegistryError) throw new RegistryError(error.code, `token service: ${error.message}`, { retryable: error.retryable, cause: error });
      throw new RegistryError(RegistryErrorCode.Unreachable, `token service ${url.host} is unreachable`, { retryable: true, cause: error });
    }
    const text = await res.body.text();
    if (res.statusCode === 401 || res.statusCode === 403) {
      throw new RegistryError(RegistryErrorCode.Unauthorized, `token service ${url.host} refused the credentials (HTTP ${res.statusCode})`, {
        status: res.statusCode,
      });
    }
    if (res.statusCode !== 200) {
      throw new RegistryError(RegistryErrorCode.Unavailable, `token service ${url.host} answered HTTP ${res.statusCode}`, {
        status: res.statusCode,
        retryable: res.statusCode >= 500 || res.statusCode === 429,
      });
    }
    let json: { token?: string; access_token?: string; expires_in?: number };
    try {
      json = JSON.parse(text) as typeof json;
    } catch (error) {
      throw new RegistryError(RegistryErrorCode.UnexpectedResponse, `token service ${url.host} sent no JSON`, { cause: error });
    }
    const token = json.token ?? json.access_token;
    if (!token) throw new RegistryError(RegistryErrorCode.UnexpectedResponse, `token service ${url.host} sent no token`);
    // The spec's default lifetime is 60 s; renew 10 % early so a token never expires mid-request.
    const lifetimeMs = Math.max(1, json.expires_in ?? 60) * 1000 * 0.9;
    const header = `Bearer ${token}`;
    this.tokens.set(cacheAs, { header, expiresAt: this.now() + lifetimeMs });
    return header;
  }
}
