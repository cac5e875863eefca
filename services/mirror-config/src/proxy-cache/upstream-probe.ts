import { request, type Dispatcher } from 'undici';
import { parseAuthChallenge } from '@ferry/registry-client';

/** What Quay's validation tells: the upstream answered (`Valid`), asks for a login none was given (`Anonymous`), or not. */
export type ProbeAnswer = 'Valid' | 'Anonymous' | 'Failed';

/**
 * Quay's `validateproxycache`: `GET /v2/` of the upstream, logging in first when credentials are
 * given (a token from the realm its challenge names, or Basic), as a pull would.
 */
export async function probeUpstream(baseUrl: string, dispatcher: Dispatcher, credentials: { username: string; password: string } | null, timeoutMs: number): Promise<ProbeAnswer> {
  const options = { dispatcher, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
  const first = await request(`${baseUrl}/v2/`, options);
  await first.body.dump();
  if (first.statusCode === 200) return 'Valid';
  if (first.statusCode !== 401) return 'Failed';
  if (!credentials) return 'Anonymous';
  const basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const challenge = parseAuthChallenge(String(first.headers['www-authenticate'] ?? ''));
  if (challenge.scheme === 'bearer' && challenge.params['realm']) {
    const realm = new URL(challenge.params['realm']);
    if (challenge.params['service']) realm.searchParams.set('service', challenge.params['service']);
    const token = await request(realm, { ...options, headers: { authorization: basic } });
    await token.body.dump();
    return token.statusCode === 200 ? 'Valid' : 'Failed';
  }
  const again = await request(`${baseUrl}/v2/`, { ...options, headers: { authorization: basic } });
  await again.body.dump();
  return again.statusCode === 200 ? 'Valid' : 'Failed';
}
