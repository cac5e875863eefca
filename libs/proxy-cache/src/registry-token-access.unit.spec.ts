import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { grantsPull, tokenLive, type RegistryTokenClaims } from './registry-token-access';

const expected = { issuer: 'ferry', service: 'ferry-registry' };
const NOW = 1_800_000_000;
const token = (over: Partial<RegistryTokenClaims> = {}): RegistryTokenClaims => ({
  iss: 'ferry',
  aud: 'ferry-registry',
  exp: NOW + 300,
  nbf: NOW - 10,
  access: [{ type: 'repository', name: 'cache/nginx', actions: ['pull'] }],
  ...over,
});

describe("a client's registry token, as the registry checks it for a pull", () => {
  it('grants a pull of the repository it names with pull', () => {
    assert.equal(grantsPull(token(), expected, 'cache/nginx', NOW), true);
    assert.equal(grantsPull(token({ aud: ['other', 'ferry-registry'] }), expected, 'cache/nginx', NOW), true);
    assert.equal(grantsPull(token({ access: [{ type: 'repository', name: 'cache/nginx', actions: ['push', 'pull'] }] }), expected, 'cache/nginx', NOW), true);
  });

  it('grants nothing for another repository, another action, or another type', () => {
    assert.equal(grantsPull(token(), expected, 'cache/redis', NOW), false);
    assert.equal(grantsPull(token(), expected, 'cache/nginx/sub', NOW), false);
    assert.equal(grantsPull(token({ access: [{ type: 'repository', name: 'cache/nginx', actions: ['push'] }] }), expected, 'cache/nginx', NOW), false);
    assert.equal(grantsPull(token({ access: [{ type: 'registry', name: 'catalog', actions: ['*'] }] }), expected, 'cache/nginx', NOW), false);
    assert.equal(grantsPull(token({ access: [] }), expected, 'cache/nginx', NOW), false);
    assert.equal(grantsPull(token({ access: undefined }), expected, 'cache/nginx', NOW), false);
  });

  it('grants nothing from another issuer or for another service', () => {
    assert.equal(grantsPull(token({ iss: 'someone' }), expected, 'cache/nginx', NOW), false);
    assert.equal(grantsPull(token({ aud: 'other-registry' }), expected, 'cache/nginx', NOW), false);
    assert.equal(grantsPull(token({ aud: undefined }), expected, 'cache/nginx', NOW), false);
  });

  it('grants nothing once expired or before its not-before', () => {
    assert.equal(grantsPull(token({ exp: NOW }), expected, 'cache/nginx', NOW), false);
    assert.equal(grantsPull(token({ exp: undefined }), expected, 'cache/nginx', NOW), false);
    assert.equal(grantsPull(token({ nbf: NOW + 5 }), expected, 'cache/nginx', NOW), false);
    assert.equal(tokenLive(token({ nbf: undefined }), NOW), true);
  });
});
