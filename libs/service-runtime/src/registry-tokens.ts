import { createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { importPKCS8, SignJWT, type CryptoKey } from 'jose';
import type { ConfigReader } from './base-config';

/** How Ferry signs the target registry's tokens: the token service, and the registry front's own writes. */
export interface RegistryTokenSettings {
  /** PEM: the private key tokens are signed with, and its certificate (in the registry's root bundle). */
  signingKey: string;
  signingCertificate: string;
  /** The registry's `auth.token.issuer` and `auth.token.service`. */
  issuer: string;
  service: string;
  /** How long a token lets its holder act: also how long a revoked permission can linger. */
  ttlSeconds: number;
}

/** A PEM setting: the PEM itself, or the path of a file holding it (a mounted secret). */
function pem(reader: ConfigReader, name: string): string | undefined {
  const value = reader.optional(name);
  if (value === undefined || value.includes('-----BEGIN')) return value;
  if (!existsSync(value)) {
    reader.problems.push(`${name} must be PEM or the path of a PEM file; ${value} does not exist`);
    return undefined;
  }
  return readFileSync(value, 'utf8');
}

/** FERRY_TOKEN_SIGNING_KEY/CERT (both or neither), FERRY_TOKEN_ISSUER, FERRY_REGISTRY_SERVICE, FERRY_REGISTRY_TOKEN_SECONDS. */
export function readRegistryTokens(reader: ConfigReader): RegistryTokenSettings | undefined {
  const signingKey = pem(reader, 'FERRY_TOKEN_SIGNING_KEY');
  const signingCertificate = pem(reader, 'FERRY_TOKEN_SIGNING_CERT');
  const ttlSeconds = reader.integer('FERRY_REGISTRY_TOKEN_SECONDS', 300, 10, 3600);
  const issuer = reader.string('FERRY_TOKEN_ISSUER', 'ferry');
  const service = reader.string('FERRY_REGISTRY_SERVICE', 'ferry-registry');
  if (signingKey === undefined && signingCertificate === undefined) return undefined;
  if (signingKey === undefined || signingCertificate === undefined) {
    reader.problems.push('FERRY_TOKEN_SIGNING_KEY and FERRY_TOKEN_SIGNING_CERT go together');
    return undefined;
  }
  try {
    if (!new X509Certificate(signingCertificate).checkPrivateKey(createPrivateKey(signingKey))) {
      reader.problems.push('FERRY_TOKEN_SIGNING_CERT is not the certificate of FERRY_TOKEN_SIGNING_KEY');
    }
  } catch (error) {
    // The message names the setting, never the key's contents.
    reader.problems.push(`FERRY_TOKEN_SIGNING_KEY / FERRY_TOKEN_SIGNING_CERT cannot be read: ${(error as { code?: string }).code ?? 'invalid PEM'}`);
  }
  return { signingKey, signingCertificate, issuer, service, ttlSeconds };
}

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
