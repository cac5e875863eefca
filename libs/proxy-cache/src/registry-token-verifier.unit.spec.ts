import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryTokenVerifier } from './registry-token-verifier';

const NOW = Math.floor(Date.now() / 1000);

/** A self-signed certificate for a key (openssl, as the deployment makes them). */
function certificateFor(privateKey: KeyObject): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-token-verifier-'));
  try {
    writeFileSync(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    execFileSync('openssl', ['req', '-new', '-x509', '-key', join(dir, 'key.pem'), '-subj', '/CN=ferry', '-days', '1', '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return readFileSync(join(dir, 'cert.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function jwt(privateKey: KeyObject, alg: string, claims: object): string {
  const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const ec = privateKey.asymmetricKeyType === 'ec';
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), ec ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey);
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

const claims = { iss: 'ferry', aud: 'ferry-registry', exp: NOW + 300, access: [{ type: 'repository', name: 'cache/nginx', actions: ['pull'] }] };

describe("registry tokens signed with the token service's key", () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const rsaVerifier = new RegistryTokenVerifier(certificateFor(rsa));
  const ecVerifier = new RegistryTokenVerifier(certificateFor(ec));

  it('verify with RS256 for an RSA key and ES256 for an EC key', async () => {
    assert.deepEqual(await rsaVerifier.claims(jwt(rsa, 'RS256', claims), NOW), claims);
    assert.deepEqual(await ecVerifier.claims(jwt(ec, 'ES256', claims), NOW), claims);
  });

  it('refuse another key, another algorithm, a changed payload, and what is not a JWT', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    assert.equal(await rsaVerifier.claims(jwt(other, 'RS256', claims), NOW), null);
    assert.equal(await ecVerifier.claims(jwt(rsa, 'RS256', claims), NOW), null);
    const [header, , signature] = jwt(rsa, 'RS256', claims).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, access: [{ type: 'repository', name: 'cache/other', actions: ['pull'] }] })).toString('base64url');
    assert.equal(await rsaVerifier.claims(`${header}.${forged}.${signature}`, NOW), null);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    assert.equal(await rsaVerifier.claims(none, NOW), null);
    for (const bad of ['', 'a.b', 'a.b.c', 'not a token at all']) assert.equal(await rsaVerifier.claims(bad, NOW), null);
  });

  it('refuse an expired token, also one verified while it was live', async () => {
    const token = jwt(rsa, 'RS256', claims);
    assert.notEqual(await rsaVerifier.claims(token, NOW), null);
    assert.equal(await rsaVerifier.claims(token, NOW + 300), null);
    assert.equal(await rsaVerifier.claims(jwt(rsa, 'RS256', { ...claims, exp: NOW - 1 }), NOW), null);
    assert.equal(await rsaVerifier.claims(jwt(rsa, 'RS256', { ...claims, exp: undefined }), NOW), null);
  });
});
