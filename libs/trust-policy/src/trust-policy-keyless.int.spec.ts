import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { simpleSigningPayload, cosignSign, sigstoreBundle, TestSigstore } from '@ferry/testing';
import { parseTrustPolicy } from './trust-policy-input';
import { TrustVerifier } from './verify-image';
import type { ImageSignatures } from './signatures';

// A test certificate authority and timestamp authority made by openssl (hence an integration spec).
const DIGEST = 'sha256:4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec';
const reader = (found: Partial<ImageSignatures>) => ({ read: async () => ({ layers: [], bundles: [], ...found }) });

function policyOf(input: Parameters<typeof parseTrustPolicy>[0]) {
  const parsed = parseTrustPolicy(input);
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  return parsed.policy;
}

describe('a keyless verify policy over a test Sigstore made with openssl', () => {
  it('checks a keyless signature against the trusted root and the identity, exact or by regular expression', async () => {
    const sigstore = new TestSigstore();
    const stranger = new TestSigstore();
    try {
      const payload = simpleSigningPayload('example.test/app', DIGEST);
      const layerOf = (k: ReturnType<TestSigstore['signer']>, body = payload) => ({ digest: 'sha256:l', payload: body, signature: cosignSign(k.privateKey, payload).toString('base64'), certificate: k.certificate! });
      const policy = policyOf({ identities: [{ issuer: 'https://issuer.test', subject_regexp: '^release@example\\.test$' }], trusted_root: sigstore.trustedRoot });
      const verify = (layer: ReturnType<typeof layerOf>) => new TrustVerifier(policy).verify(DIGEST, reader({ layers: [layer] }));
      const good = await verify(layerOf(sigstore.signer('release@example.test', 'https://issuer.test')));
      assert.equal(good.outcome, 'verified', good.detail);
      assert.deepEqual(good.signers, [{ kind: 'identity', subject: 'release@example.test', issuer: 'https://issuer.test' }]);
      assert.equal((await verify(layerOf(sigstore.signer('intruder@example.test', 'https://issuer.test')))).outcome, 'SIGNER_NOT_TRUSTED');
      assert.equal((await verify(layerOf(sigstore.signer('release@example.test', 'https://issuer.test', stranger)))).outcome, 'SIGNER_NOT_TRUSTED');
      const tampered = Buffer.from(payload.toString().replace('"optional":null', '"optional":{"x":"y"}'));
      assert.equal((await verify(layerOf(sigstore.signer('release@example.test', 'https://issuer.test'), tampered))).outcome, 'SIGNATURE_INVALID');
      // The same as a bundle, its time from the test TSA's RFC 3161 timestamp.
      const signer = sigstore.signer('release@example.test', 'https://issuer.test');
      const bundle = JSON.stringify(sigstoreBundle(DIGEST, signer, { timestamper: (sig) => sigstore.timestamp(sig) }));
      const viaBundle = await new TrustVerifier(policy).verify(DIGEST, reader({ bundles: [{ digest: 'sha256:b', json: bundle }] }));
      assert.equal(viaBundle.outcome, 'verified', viaBundle.detail);
    } finally {
      sigstore.dispose();
      stranger.dispose();
    }
  });

});
