import { createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { importPKCS8, SignJWT, type CryptoKey } from 'jose';
import type { RegistryTokenSettings } from '../config';

/** One grant of a registry token: the `access` claim of the distribution spec's token format. */
export interface RegistryAccess {
  type: string;
  name: string;
  actions: string[];
}

/**
 * Signs registry tokens as `docker-registry` (CNCF distribution) checks them with `auth: token`:
 * RS256 or ES256 over the spec's claims, with the signing certificate in the `x5c` header, which the
 * registry verifies against its `rootcertbundle`. During a key rollover the bundle holds the old
 * and the new certificate, so tokens of either verify.
 */
export class RegistryTokenSigner {
  private readonly algorithm: 'RS256' | 'ES256';
  private readonly x5c: string[];
  private key: Promise<CryptoKey> | undefined;

  constructor(private readonly settings: RegistryTokenSettings) {
    const key = createPrivateKey(settings.signingKey);
    this.algorithm = key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
    this.x5c = [new X509Certificate(settings.signingCertificate).raw.toString('base64')];
  }

  get service(): string {
    return this.settings.service;
  }

  async sign(subject: string, access: RegistryAccess[], now = new Date()): Promise<{ token: string; expiresIn: number; issuedAt: string }> {
    this.key ??= importPKCS8(createPrivateKey(this.settings.signingKey).export({ type: 'pkcs8', format: 'pem' }) as string, this.algorithm);
    const iat = Math.floor(now.getTime() / 1000);
    const token = await new SignJWT({ access })
      .setProtectedHeader({ alg: this.algorithm, typ: 'JWT', x5c: this.x5c })
      .setIssuer(this.settings.issuer)
      .setSubject(subject)
      .setAudience(this.settings.service)
      .setIssuedAt(iat)
      // A little slack for the registry's clock.
      .setNotBefore(iat - 10)
      .setExpirationTime(iat + this.settings.ttlSeconds)
      .setJti(randomUUID())
      .sign(await this.key);
    return { token, expiresIn: this.settings.ttlSeconds, issuedAt: now.toISOString() };
  }
}
