import type { IncomingHttpHeaders } from 'node:http';
import { grantsPull, RegistryTokenVerifier, type ExpectedToken } from '@ferry/proxy-cache';
import type { RegistryTokenSettings } from '@ferry/service-runtime';

/**
 * Whether a client may pull a repository, decided as the target registry decides it, for the
 * requests the front answers from the target's storage itself: a Bearer token signed with Ferry's
 * token service's key, for the registry's service and issuer, live, granting `pull` on the
 * repository. Only a yes is acted on: anything else (no token, a token signed with another key of
 * the registry's bundle, a token for another repository) goes to the target, which refuses with
 * its own status and challenge, as without the front.
 */
export class ClientPulls {
  private readonly verifier: RegistryTokenVerifier;
  private readonly expected: ExpectedToken;

  constructor(tokens: RegistryTokenSettings) {
    this.verifier = new RegistryTokenVerifier(tokens.signingCertificate);
    this.expected = { issuer: tokens.issuer, service: tokens.service };
  }

  async mayPull(headers: IncomingHttpHeaders, repository: string): Promise<boolean> {
    const match = /^Bearer\s+([A-Za-z0-9_.-]+)\s*$/i.exec(headers.authorization ?? '');
    if (!match) return false;
    const now = Math.floor(Date.now() / 1000);
    const claims = await this.verifier.claims(match[1]!, now);
    return claims !== null && grantsPull(claims, this.expected, repository, now);
  }
}
