import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { generateSigningKey, simpleSigningPayload, cosignSign, sigstoreBundle } from '@ferry/testing';
import { parseTrustPolicy } from './trust-policy-input';
import { TrustVerifier } from './verify-image';
import type { ImageSignatures } from './signatures';

const fixtures = join(__dirname, '..', 'fixtures');
const DIGEST = 'sha256:4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec';
const reader = (found: Partial<ImageSignatures>) => ({ read: async () => ({ layers: [], bundles: [], ...found }) });

function policyOf(input: Parameters<typeof parseTrustPolicy>[0]) {
  const parsed = parseTrustPolicy(input);
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  return parsed.policy;
}

describe('the harness against cosign-made data', () => {
  it('writes the simple-signing payload byte for byte as cosign does (pkg/cosign/obsolete_test.go)', () => {
    assert.equal(
      simpleSigningPayload('index.docker.io/namespace/image', DIGEST).toString(),
      '{"critical":{"identity":{"docker-reference":"index.docker.io/namespace/image"},"image":{"docker-manifest-digest":"sha256:4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec"},"type":"cosign container image signature"},"optional":null}',
    );
  });

  it('verifies the keyless bundle cosign attached as a referrer, against the trusted root it came with', async () => {
    const bundle = readFileSync(join(fixtures, 'cosign-oci-attestation.sigstore.json'), 'utf8');
    const root = readFileSync(join(fixtures, 'cosign-trusted_root_pgi.json'), 'utf8');
    const subject = 'sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4';
    const trusted = policyOf({ identities: [{ subject_regexp: '@', issuer_regexp: '.' }], trusted_root: root });
    const result = await new TrustVerifier(trusted).verify(subject, reader({ bundles: [{ digest: 'sha256:ref', json: bundle }] }));
    assert.equal(result.outcome, 'verified', result.detail);
    assert.equal(result.signers[0]!.kind, 'identity');
    assert.deepEqual(result.tlogEntries.map((e) => e.logIndex), ['175508996']);
    // The same bundle named on another digest, and under an identity the policy does not trust.
    assert.equal((await new TrustVerifier(trusted).verify(DIGEST, reader({ bundles: [{ digest: 'sha256:ref', json: bundle }] }))).outcome, 'SIGNATURE_INVALID');
    const other = policyOf({ identities: [{ subject: 'someone@example.com', issuer_regexp: '.' }], trusted_root: root });
    assert.equal((await new TrustVerifier(other).verify(subject, reader({ bundles: [{ digest: 'sha256:ref', json: bundle }] }))).outcome, 'SIGNER_NOT_TRUSTED');
    // A DSSE bundle the harness writes reads the same way (a key-signed one, so that no log is needed).
    const key = generateSigningKey('ecdsa-p256');
    const own = JSON.stringify(sigstoreBundle(subject, key));
    const byKey = await new TrustVerifier(policyOf({ keys: [{ pem: key.publicPem }] })).verify(subject, reader({ bundles: [{ digest: 'sha256:own', json: own }] }));
    assert.equal(byKey.outcome, 'verified', byKey.detail);
  });
});

describe('a cosign keyless .sig layer made by cosign (fixtures/cosign-keyless-sig-layer.json)', () => {
  const layer = JSON.parse(readFileSync(join(fixtures, 'cosign-keyless-sig-layer.json'), 'utf8')) as { subject: string; layerDigest: string; payload: string; signature: string; certificate: string; rekorBundle: string };
  const root = readFileSync(join(fixtures, 'cosign-trusted_root_pgi.json'), 'utf8');
  const policy = policyOf({ identities: [{ subject: 'sozercan@gmail.com', issuer: 'https://github.com/login/oauth' }], trusted_root: root });
  const read = (payload: string) => reader({ layers: [{ digest: layer.layerDigest, payload: Buffer.from(payload), signature: layer.signature, certificate: layer.certificate }] });

  it('has the payload the harness writes, byte for byte', () => {
    assert.equal(simpleSigningPayload('wabbitnetworks.azurecr.io/test/cosign-image', layer.subject).toString(), layer.payload);
  });

  it('verifies with its Rekor entry: the log\'s promise checked with the trusted root\'s key, the certificate at the logged time', async () => {
    const withEntry = (payload: string) => reader({ layers: [{ digest: layer.layerDigest, payload: Buffer.from(payload), signature: layer.signature, certificate: layer.certificate, rekorBundle: layer.rekorBundle }] });
    const result = await new TrustVerifier(policy).verify(layer.subject, withEntry(layer.payload));
    assert.equal(result.outcome, 'verified', result.detail);
    assert.deepEqual(result.signers, [{ kind: 'identity', subject: 'sozercan@gmail.com', issuer: 'https://github.com/login/oauth' }]);
    assert.deepEqual(result.tlogEntries.map((e) => e.logIndex), ['13452680']);
    assert.equal((await new TrustVerifier(policy).verify(layer.subject, withEntry(layer.payload.replace('"optional":null', '"optional":{}')))).outcome, 'SIGNATURE_INVALID');
    const other = policyOf({ identities: [{ subject: 'someone@example.com', issuer: 'https://github.com/login/oauth' }], trusted_root: root });
    assert.equal((await new TrustVerifier(other).verify(layer.subject, withEntry(layer.payload))).outcome, 'SIGNER_NOT_TRUSTED');
  });

  it('without its Rekor entry, verifies its signature under its certificate and reads the identity, and refuses it only because its 10-minute certificate is long expired', async () => {
    const result = await new TrustVerifier(policy).verify(layer.subject, read(layer.payload));
    assert.equal(result.outcome, 'SIGNER_NOT_TRUSTED');
    assert.match(result.detail ?? '', /sozercan@gmail\.com \(issuer https:\/\/github\.com\/login\/oauth\).*not valid now/);
    const changed = await new TrustVerifier(policy).verify(layer.subject, read(layer.payload.replace('"optional":null', '"optional":{}')));
    assert.equal(changed.outcome, 'SIGNATURE_INVALID');
  });
});

describe('a verify policy', () => {
  it('names the field of each problem: unparseable key, unknown algorithm, bad regex, missing root, impossible minimum', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const parsed = parseTrustPolicy({
      keys: [{ pem: '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----' }, { pem: p384 }],
      identities: [{ issuer: 'https://accounts.example', subject_regexp: '([' }],
      min_signatures: 0,
    });
    assert.equal(parsed.ok, false);
    const fields = !parsed.ok ? parsed.problems.map((p) => p.field) : [];
    assert.deepEqual(fields, ['keys[0].pem', 'keys[1].pem', 'identities[0].subject_regexp', 'trusted_root', 'min_signatures']);
    assert.match(!parsed.ok ? parsed.problems[1]!.message : '', /unknown algorithm/);
    assert.deepEqual(parseTrustPolicy({}).ok ? [] : (parseTrustPolicy({}) as { problems: Array<{ field: string }> }).problems.map((p) => p.field), ['keys']);
  });

  it('takes ECDSA P-256, Ed25519 and RSA keys, and its version changes with its keys', () => {
    const keys = (['ecdsa-p256', 'ed25519', 'rsa'] as const).map((a) => generateSigningKey(a));
    const one = policyOf({ keys: keys.map((k) => ({ pem: k.publicPem })) });
    assert.deepEqual(one.keys.map((k) => k.algorithm), ['ecdsa-p256', 'ed25519', 'rsa']);
    const two = policyOf({ keys: keys.slice(1).map((k) => ({ pem: k.publicPem })) });
    assert.notEqual(one.version, two.version);
    assert.equal(policyOf({ keys: keys.map((k) => ({ pem: k.publicPem })), quarantine: true }).version, one.version);
  });

  for (const algorithm of ['ecdsa-p256', 'ed25519', 'rsa'] as const) {
    it(`verifies a cosign ${algorithm} signature of the digest, and refuses one of another digest`, async () => {
      const key = generateSigningKey(algorithm);
      const policy = policyOf({ keys: [{ name: 'release', pem: key.publicPem }] });
      const payload = simpleSigningPayload('example.test/app', DIGEST);
      const layer = { digest: 'sha256:layer', payload, signature: cosignSign(key.privateKey, payload).toString('base64') };
      const ok = await new TrustVerifier(policy).verify(DIGEST, reader({ layers: [layer] }));
      assert.equal(ok.outcome, 'verified');
      assert.deepEqual(ok.signers, [{ kind: 'key', name: 'release', fingerprint: policy.keys[0]!.fingerprint }]);
      const elsewhere = await new TrustVerifier(policy).verify('sha256:' + 'b'.repeat(64), reader({ layers: [layer] }));
      assert.equal(elsewhere.outcome, 'SIGNATURE_INVALID');
      assert.match(elsewhere.detail ?? '', /another image/);
    });
  }

  it('counts different signers toward min_signatures, and says how many were missing', async () => {
    const [a, b] = [generateSigningKey(), generateSigningKey('ed25519')];
    const payload = simpleSigningPayload('example.test/app', DIGEST);
    const layerOf = (k: typeof a) => ({ digest: 'sha256:l', payload, signature: cosignSign(k.privateKey, payload).toString('base64') });
    const both = policyOf({ keys: [{ pem: a.publicPem }, { pem: b.publicPem }], min_signatures: 2 });
    assert.equal((await new TrustVerifier(both).verify(DIGEST, reader({ layers: [layerOf(a), layerOf(b)] }))).outcome, 'verified');
    const onlyOne = await new TrustVerifier(both).verify(DIGEST, reader({ layers: [layerOf(a), layerOf(a)] }));
    assert.equal(onlyOne.outcome, 'SIGNER_NOT_TRUSTED');
    assert.match(onlyOne.detail ?? '', /1 trusted signer\(s\) of the 2 required/);
  });

  it('says SIGNATURE_MISSING when the image has no signature in either form', async () => {
    const key = generateSigningKey();
    const result = await new TrustVerifier(policyOf({ keys: [{ pem: key.publicPem }] })).verify(DIGEST, reader({}));
    assert.equal(result.outcome, 'SIGNATURE_MISSING');
  });
});
