/**
 * The claims of a registry token (the distribution spec's token format) that decide whether it
 * lets its holder pull a repository, checked as `docker-registry` checks them with `auth: token`.
 */
export interface RegistryTokenClaims {
  iss?: unknown;
  aud?: unknown;
  exp?: unknown;
  nbf?: unknown;
  access?: unknown;
}

export interface ExpectedToken {
  /** The registry's `auth.token.issuer` and `auth.token.service` (the token's audience). */
  issuer: string;
  service: string;
}

/** Whether the token is still valid at `nowSeconds` (its `exp` ahead, its `nbf`, if any, behind). */
export function tokenLive(claims: RegistryTokenClaims, nowSeconds: number): boolean {
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return false;
  return claims.nbf === undefined || (typeof claims.nbf === 'number' && claims.nbf <= nowSeconds);
}

/**
 * Whether a token (its signature already checked) lets its holder pull `repository` now: issued
 * by the expected issuer for the expected service, live, and granting `pull` on exactly that
 * repository. Anything less is no: the caller then asks the registry, which answers as it does.
 */
export function grantsPull(claims: RegistryTokenClaims, expected: ExpectedToken, repository: string, nowSeconds: number): boolean {
  if (claims.iss !== expected.issuer) return false;
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(expected.service)) return false;
  if (!tokenLive(claims, nowSeconds)) return false;
  if (!Array.isArray(claims.access)) return false;
  return claims.access.some((grant: unknown) => {
    if (typeof grant !== 'object' || grant === null) return false;
    const { type, name, actions } = grant as { type?: unknown; name?: unknown; actions?: unknown };
    return type === 'repository' && name === repository && Array.isArray(actions) && actions.includes('pull');
  });
}
