import { X509Certificate } from 'node:crypto';
import { compactVerify, importX509, type CryptoKey } from 'jose';
import type { RegistryTokenClaims } from './registry-token-access';
import { tokenLive } from './registry-token-access';

/** Verified tokens kept (by their text, until they expire) before the oldest is dropped. */
const KEPT = 10_000;

/**
 * Checks the signature of registry tokens signed with one certificate's key (Ferry's token
 * service's): RS256 for an RSA key, ES256 for an EC key, nothing else (no `none`, no algorithm
 * the key was not made for). A token that verifies is kept by its text until it expires, so a
 * client's many requests cost one signature check. Tokens signed otherwise (another key of the
 * registry's root bundle, say during a rollover) give null, as do malformed ones: the caller
 * leaves those to the registry.
 */
export class RegistryTokenVerifier {
  private readonly key: Promise<CryptoKey>;
  private readonly algorithm: 'RS256' | 'ES256';
  private readonly verified = new Map<string, RegistryTokenClaims & { exp: number }>();

  constructor(certificatePem: string) {
    this.algorithm = new X509Certificate(certificatePem).publicKey.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
    this.key = importX509(certificatePem, this.algorithm);
  }

  /** The token's claims if its signature is the key's and it is live at `nowSeconds`; else null. */
  async claims(token: string, nowSeconds: number): Promise<RegistryTokenClaims | null> {
    const kept = this.verified.get(token);
    if (kept) {
      if (tokenLive(kept, nowSeconds)) return kept;
      this.verified.delete(token);
      return null;
    }
    const claims = await this.check(token);
    if (!claims || typeof claims.exp !== 'number' || !tokenLive(claims, nowSeconds)) return null;
    if (this.verified.size >= KEPT) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, claims as RegistryTokenClaims & { exp: number });
    return claims;
  }

  private async check(token: string): Promise<RegistryTokenClaims | null> {
    try {
      const { payload } = await compactVerify(token, await this.key, { algorithms: [this.algorithm] });
      const claims = JSON.parse(Buffer.from(payload).toString('utf8')) as unknown;
      return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as RegistryTokenClaims) : null;
    } catch {
      return null;
    }
  }
}
