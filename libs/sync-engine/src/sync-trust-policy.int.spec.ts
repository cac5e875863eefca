import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startRegistry,
  pushImage,
  pushMultiArch,
  tagDigests,
  manifestDigest,
  generateSigningKey,
  writeCosignSignatures,
  simpleSigningPayload,
  sigstoreBundle,
  attachBundle,
  TestSigstore,
  type RunningRegistry,
} from '@ferry/testing';
import { parseTrustPolicy, type TrustPolicyInput } from '@ferry/trust-policy';
import { globTagRule, type TrustPolicy } from '@ferry/contracts';
import { syncRepository } from './sync-repository';
import { previewRepository } from './sync-preview';
import { testSyncRequest } from './sync-request.fixtures';
import { MemoryLedger } from './target-ledger';
import type { TagResult } from './sync-request';

function policy(input: TrustPolicyInput): TrustPolicy {
  const parsed = parseTrustPolicy(input);
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  return parsed.policy;
}

const byTag = (results: TagResult[]) => new Map(results.map((r) => [r.tag, r]));

describe('a mirror that verifies signatures before it publishes', () => {
  let upstream: RunningRegistry;
  let target: RegistryPair['target'];
  const repo = 'signed/app';
  const release = generateSigningKey('ecdsa-p256');
  const second = generateSigningKey('ed25519');
  const stranger = generateSigningKey('ecdsa-p256');
  const sigstore = new TestSigstore();
  const otherCa = new TestSigstore();
  const digests: Record<string, string> = {};
  type RegistryPair = { target: RunningRegistry };

  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    const image = async (tag: string) => (digests[tag] = (await pushImage(upstream, repo, tag, { mediaType: 'oci', layers: [{ seed: `trust-${tag}`, size: 2_000 }] })).digest);
    await writeCosignSignatures(upstream, repo, await image('good'), [release]);
    await writeCosignSignatures(upstream, repo, await image('wrong-key'), [stranger]);
    await writeCosignSignatures(upstream, repo, await image('tampered'), [{ ...release, tamper: true }]);
    await image('unsigned');
    await writeCosignSignatures(upstream, repo, await image('second-key'), [second]);
    // The good image's signature, copied onto another image's .sig tag.
    await writeCosignSignatures(upstream, repo, await image('copied'), [{ ...release, payload: simpleSigningPayload(`example.test/${repo}`, digests['good']!) }]);
    const index = await pushMultiArch(upstream, repo, 'multi', { seed: 'trust-multi', platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }], layers: [{ seed: 'trust-multi-base', size: 1_000 }], flavour: 'oci' });
    digests['multi'] = index.digest;
    await writeCosignSignatures(upstream, repo, index.digest, [release]);
    await writeCosignSignatures(upstream, repo, await image('keyless-trusted'), [sigstore.signer('release@example.test', 'https://issuer.test')]);
    await writeCosignSignatures(upstream, repo, await image('keyless-untrusted'), [sigstore.signer('intruder@example.test', 'https://issuer.test')]);
    await writeCosignSignatures(upstream, repo, await image('keyless-other-ca'), [sigstore.signer('release@example.test', 'https://issuer.test', otherCa)]);
    const bundled = await image('bundle');
    await attachBundle(upstream, repo, bundled, sigstoreBundle(bundled, release));
    const bundledKeyless = await image('bundle-keyless');
    const signer = sigstore.signer('release@example.test', 'https://issuer.test');
    await attachBundle(upstream, repo, bundledKeyless, sigstoreBundle(bundledKeyless, signer, { timestamper: (sig) => sigstore.timestamp(sig) }));
  });
  after(async () => {
    sigstore.dispose();
    otherCa.dispose();
    await Promise.all([upstream.stop(), target.stop()]);
  });

  const verifyAll = policy({
    keys: [
      { name: 'release', pem: release.publicPem },
      { name: 'second', pem: second.publicPem },
    ],
    identities: [{ issuer: 'https://issuer.test', subject_regexp: '^release@example\\.test$' }],
    trusted_root: sigstore.trustedRoot,
  });

  it('publishes exactly the tags a trusted signer signed, records the signer, and says why each other one was refused', async () => {
    const ledger = new MemoryLedger();
    const report = await syncRepository(testSyncRequest(upstream.host, repo, target, 'mirror/verified', { trustPolicy: verifyAll, ledger }));
    const results = byTag(report.results);
    const published = await tagDigests(target, 'mirror/verified');
    const expected = { good: 'verified', 'second-key': 'verified', multi: 'verified', 'keyless-trusted': 'verified', bundle: 'verified', 'bundle-keyless': 'verified', 'wrong-key': 'SIGNER_NOT_TRUSTED', tampered: 'SIGNER_NOT_TRUSTED', unsigned: 'SIGNATURE_MISSING', copied: 'SIGNATURE_INVALID', 'keyless-untrusted': 'SIGNER_NOT_TRUSTED', 'keyless-other-ca': 'SIGNER_NOT_TRUSTED' } as const;
    for (const [tag, outcome] of Object.entries(expected)) {
      const r = results.get(tag);
      assert.ok(r, `no result for ${tag}`);
      if (outcome === 'verified') {
        assert.equal(r.kind, 'synced', `${tag}: ${JSON.stringify(r)}`);
        assert.equal(r.kind === 'synced' && r.verification?.outcome, 'verified');
        assert.equal(published[tag], digests[tag], `${tag} is published with the upstream's digest`);
      } else {
        assert.equal(r.kind, 'failed', `${tag}: ${JSON.stringify(r)}`);
        assert.equal(r.kind === 'failed' && r.error.code, outcome, `${tag}: ${JSON.stringify(r)}`);
        assert.equal(r.kind === 'failed' && r.retryable, false);
        assert.equal(published[tag], undefined, `${tag} is not on the target`);
        assert.equal(await manifestDigest(target, 'mirror/verified', digests[tag]!), null, `${tag}'s image is not on the target by digest either`);
      }
    }
    const good = results.get('good');
    assert.deepEqual(good?.kind === 'synced' && good.verification?.signers, [{ kind: 'key', name: 'release', fingerprint: verifyAll.keys[0]!.fingerprint }]);
    assert.equal(good?.kind === 'synced' && good.verification?.policyVersion, verifyAll.version);
    const keyless = results.get('keyless-trusted');
    assert.deepEqual(keyless?.kind === 'synced' && keyless.verification?.signers, [{ kind: 'identity', subject: 'release@example.test', issuer: 'https://issuer.test' }]);
    // The signatures travel with the signed images.
    assert.ok(published[`${digests['good']!.replace(':', '-')}.sig`]);
    // ...and those of a refused image do not, though the rule ('*') selects their tags too.
    assert.equal(published[`${digests['wrong-key']!.replace(':', '-')}.sig`], undefined);
    assert.ok(published[digests['bundle']!.replace(':', '-')], 'the referrers index of a verified image travels');

    // A second run trusts its ledger for the verified tags and keeps their verification.
    const again = byTag((await syncRepository(testSyncRequest(upstream.host, repo, target, 'mirror/verified', { trustPolicy: verifyAll, ledger }))).results);
    const goodAgain = again.get('good');
    assert.equal(goodAgain?.kind === 'synced' && goodAgain.unchanged, true);
    assert.equal(goodAgain?.kind === 'synced' && goodAgain.verification?.outcome, 'verified');
  });

  it('needs each of two keys with min_signatures 2, and any one with 1', async () => {
    await writeCosignSignatures(upstream, repo, digests['second-key']!, [second, release]);
    const both = policy({ keys: [{ pem: release.publicPem }, { pem: second.publicPem }], min_signatures: 2 });
    const results = byTag((await syncRepository(testSyncRequest(upstream.host, repo, target, 'mirror/two-keys', { trustPolicy: both, tagRule: globTagRule(['good', 'second-key']) }))).results);
    assert.equal(results.get('second-key')?.kind, 'synced');
    const one = results.get('good');
    assert.equal(one?.kind === 'failed' && one.error.code, 'SIGNER_NOT_TRUSTED');
    assert.deepEqual(Object.keys(await tagDigests(target, 'mirror/two-keys')).filter((t) => !t.startsWith('sha256-')), ['second-key']);
  });

  it('keeps a refused image under its digest only when asked to quarantine', async () => {
    const quarantine = policy({ keys: [{ pem: release.publicPem }], quarantine: true });
    const results = byTag((await syncRepository(testSyncRequest(upstream.host, repo, target, 'mirror/quarantine', { trustPolicy: quarantine }))).results);
    const refused = results.get('wrong-key');
    assert.equal(refused?.kind === 'failed' && refused.verification?.quarantined, true);
    assert.equal(await manifestDigest(target, 'mirror/quarantine', digests['wrong-key']!), digests['wrong-key']);
    assert.equal((await tagDigests(target, 'mirror/quarantine'))['wrong-key'], undefined);
  });

  it('re-verifies what is on the target when the policy changes, and unpublishes only when asked', async () => {
    const ledger = new MemoryLedger();
    const first = policy({ keys: [{ pem: release.publicPem }] });
    await syncRepository(testSyncRequest(upstream.host, repo, target, 'mirror/rotate', { trustPolicy: first, ledger }));
    assert.equal((await tagDigests(target, 'mirror/rotate'))['good'], digests['good']);
    // The release key is replaced: the good tag no longer passes. Reported, left in place.
    const rotated = policy({ keys: [{ pem: second.publicPem }] });
    const reported = byTag((await syncRepository(testSyncRequest(upstream.host, repo, target, 'mirror/rotate', { trustPolicy: rotated, ledger }))).results);
    assert.equal(reported.get('good')?.kind === 'failed' && (reported.get('good') as { error: { code: string } }).error.code, 'SIGNER_NOT_TRUSTED');
    assert.equal((await tagDigests(target, 'mirror/rotate'))['good'], digests['good']);
    // Asked to unpublish: the tag goes.
    const strict = policy({ keys: [{ pem: second.publicPem }], unpublish_failing: true });
    const unpublished = (await syncRepository(testSyncRequest(upstream.host, repo, target, 'mirror/rotate', { trustPolicy: strict, ledger }))).results;
    assert.ok(unpublished.some((r) => r.kind === 'deleted' && r.tag === 'good'));
    assert.equal((await tagDigests(target, 'mirror/rotate'))['good'], undefined);
  });

  it('previews which tags would fail verification, writing nothing', async () => {
    const preview = await previewRepository(testSyncRequest(upstream.host, repo, target, 'mirror/preview', { trustPolicy: verifyAll }));
    const failing = Object.fromEntries(preview.tags.filter((t) => t.action === 'fail').map((t) => [t.tag, t.action === 'fail' ? t.error.code : '']));
    assert.deepEqual(failing, { 'wrong-key': 'SIGNER_NOT_TRUSTED', tampered: 'SIGNER_NOT_TRUSTED', unsigned: 'SIGNATURE_MISSING', copied: 'SIGNATURE_INVALID', 'keyless-untrusted': 'SIGNER_NOT_TRUSTED', 'keyless-other-ca': 'SIGNER_NOT_TRUSTED' });
    assert.ok(preview.tags.some((t) => t.tag === 'good' && t.action === 'copy'));
    // As in a run, a signature tag shows only with an image that passes.
    assert.ok(preview.tags.some((t) => t.tag === `${digests['good']!.replace(':', '-')}.sig` && t.companion));
    assert.ok(!preview.tags.some((t) => t.tag === `${digests['wrong-key']!.replace(':', '-')}.sig`));
    assert.deepEqual(await tagDigests(target, 'mirror/preview'), {});
  });

  it('requires each platform signed when the policy asks, not only the index', async () => {
    const platforms = policy({ keys: [{ pem: release.publicPem }], require_platform_signatures: true });
    const results = byTag((await syncRepository(testSyncRequest(upstream.host, repo, target, 'mirror/platforms', { trustPolicy: platforms, tagRule: globTagRule(['multi']) }))).results);
    const multi = results.get('multi');
    assert.equal(multi?.kind === 'failed' && multi.error.code, 'SIGNATURE_MISSING');
    assert.equal((await tagDigests(target, 'mirror/platforms'))['multi'], undefined);
  });
});
