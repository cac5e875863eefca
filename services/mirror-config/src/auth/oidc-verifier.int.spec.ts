import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startOidcIssuer, type OidcIssuer } from '@ferry/testing';
import { OidcTokenError, OidcVerifier } from './oidc-verifier';

describe('single sign-on with bearer JWTs of an OpenID Connect issuer', () => {
  let issuer: OidcIssuer;
  let verifier: OidcVerifier;

  before(async () => {
    issuer = await startOidcIssuer();
    verifier = new OidcVerifier({ issuer: issuer.issuer, audience: 'ferry', usernameClaim: 'preferred_username' }, 0);
  });
  after(() => issuer?.stop());

  it('maps the claim of a good token to the user name, fetching the keys once', async () => {
    assert.equal(await verifier.username(await issuer.sign({ preferred_username: 'alice', sub: '1' })), 'alice');
    assert.equal(await verifier.username(await issuer.sign({ preferred_username: 'bob', sub: '2' })), 'bob');
    assert.equal(issuer.jwksFetches(), 1);
  });

  it('refuses an expired token, a wrong audience, a bad signature and a token without the claim', async () => {
    const refused = async (token: string, why: RegExp) => assert.rejects(verifier.username(token), (e: unknown) => e instanceof OidcTokenError && why.test((e as Error).message));
    await refused(await issuer.sign({ preferred_username: 'alice' }, { expiresIn: -120 }), /ERR_JWT_EXPIRED/);
    await refused(await issuer.sign({ preferred_username: 'alice' }, { audience: 'someone-else' }), /ERR_JWT_CLAIM_VALIDATION_FAILED/);
    await refused(await issuer.sign({ preferred_username: 'alice' }, { forgedKey: true }), /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
    await refused(await issuer.sign({ sub: '3' }), /no "preferred_username" claim/);
  });

  it('follows the issuer\'s key rotation: a token under a new key id refetches the JWKS', async () => {
    const before = issuer.jwksFetches();
    await issuer.rotate();
    assert.equal(await verifier.username(await issuer.sign({ preferred_username: 'carol' })), 'carol');
    assert.equal(issuer.jwksFetches(), before + 1);
  });
});
