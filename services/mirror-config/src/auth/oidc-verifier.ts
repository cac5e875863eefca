import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { MirrorConfigServiceConfig } from '../config';

/** Why a bearer JWT was refused, for the 401's `error_description` and the log (never the token). */
export class OidcTokenError extends Error {
  readonly code = 'OIDC_TOKEN_INVALID' as const;
}

/**
 * Checks bearer JWTs of one OpenID Connect issuer with `jose`: the issuer's JWKS (found through its
 * discovery document) is fetched on first use, cached, and fetched again when a token names a key
 * it does not hold, so the issuer's key rotation needs nothing from Ferry.
 */
export class OidcVerifier {
  private keys: Promise<JWTVerifyGetKey> | undefined;

  /** `refetchCooldownMs`: the least time between two JWKS fetches for unknown key ids, which spares the issuer. */
  constructor(
    private readonly settings: NonNullable<MirrorConfigServiceConfig['oidc']>,
    private readonly refetchCooldownMs = 30_000,
  ) {}

  private async discover(): Promise<JWTVerifyGetKey> {
    const url = `${this.settings.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    const document = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (typeof document.jwks_uri !== 'string') throw new Error(`${url} names no jwks_uri`);
    return createRemoteJWKSet(new URL(document.jwks_uri), { cacheMaxAge: 10 * 60_000, cooldownDuration: this.refetchCooldownMs, timeoutDuration: 5_000 });
  }

  /** The Ferry user name the token's claim names; throws OidcTokenError when the token is not good. */
  async username(jwt: string): Promise<string> {
    this.keys ??= this.discover().catch((error: unknown) => {
      // Try the discovery again on the next token rather than caching the failure.
      this.keys = undefined;
      throw error;
    });
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(jwt, await this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: 30,
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
      }));
    } catch (error) {
      throw new OidcTokenError(`the token was refused: ${(error as { code?: string }).code ?? (error as Error).message}`);
    }
    const claim = payload[this.settings.usernameClaim];
    if (typeof claim !== 'string' || claim.length === 0) throw new OidcTokenError(`the token has no "${this.settings.usernameClaim}" claim`);
    return claim;
  }
}
