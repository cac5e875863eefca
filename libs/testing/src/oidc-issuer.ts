import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface OidcIssuer {
  /** The issuer URL (`iss`), which serves its discovery document and JWKS. */
  issuer: string;
  /**
   * A signed JWT. `expiresIn` in seconds (negative: already expired); `forgedKey` signs with a key
   * the JWKS does not hold, under the published key's id (a bad signature).
   */
  sign(claims: Record<string, unknown>, options?: { audience?: string; expiresIn?: number; forgedKey?: boolean }): Promise<string>;
  /** Publishes a new signing key (and drops the old), as an issuer's key rotation does. */
  rotate(): Promise<void>;
  /** How often the JWKS was fetched. */
  jwksFetches(): number;
  stop(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function newKey(kid: string): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** A real OpenID Connect issuer on loopback: discovery, JWKS, RS256 tokens. */
export async function startOidcIssuer(): Promise<OidcIssuer> {
  let generation = 1;
  let key = await newKey(`key-${generation}`);
  const forger = await newKey('forger');
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (req.url === '/jwks') {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    async sign(claims, options = {}) {
      const signer = options.forgedKey ? { ...forger, kid: key.kid } : key;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: signer.kid })
        .setIssuer(issuer)
        .setAudience(options.audience ?? 'ferry')
        .setIssuedAt(now - 60)
        .setExpirationTime(now + (options.expiresIn ?? 300))
        .sign(signer.privateKey);
    },
    async rotate() {
      key = await newKey(`key-${++generation}`);
    },
    jwksFetches: () => fetches,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
