import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cosignTagWords, errorsAfterTrustEdit, signaturePolicyWords, trustBodyOf, trustDraftOf, verificationWords } from './trust-policy';
import { bodyOf, draftOf } from './mirror-body';
import type { Mirror } from '../types';

const PEM = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----';

describe('the mirror form\'s signature policy', () => {
  it('sends accept and require-signature with the trust policy cleared', () => {
    assert.deepEqual(trustBodyOf(trustDraftOf(null)), { signature_policy: 'accept', trust_policy: null });
    assert.deepEqual(trustBodyOf({ ...trustDraftOf(null), policy: 'require-signature', keys: [{ name: 'k', pem: PEM }] }), { signature_policy: 'require-signature', trust_policy: null });
  });

  it('sends verify with its keys and identities, dropping empty rows; a regular expression goes in the _regexp fields', () => {
    const draft = {
      ...trustDraftOf(null),
      policy: 'verify' as const,
      keys: [{ name: ' release ', pem: ` ${PEM}\n` }, { name: 'empty', pem: '  ' }, { name: '', pem: PEM }],
      identities: [
        { issuer: 'https://accounts.google.com', subject: 'me@example.com', regexp: false },
        { issuer: '^https://token', subject: '@example\\.com$', regexp: true },
        { issuer: ' ', subject: '', regexp: false },
      ],
      trustedRoot: '{"mediaType":"x"}',
      minSignatures: '2',
      quarantine: true,
    };
    assert.deepEqual(trustBodyOf(draft), {
      signature_policy: 'verify',
      trust_policy: {
        keys: [{ name: 'release', pem: PEM }, { pem: PEM }],
        identities: [
          { issuer: 'https://accounts.google.com', subject: 'me@example.com' },
          { issuer_regexp: '^https://token', subject_regexp: '@example\\.com$' },
        ],
        trusted_root: '{"mediaType":"x"}',
        min_signatures: 2,
        require_platform_signatures: false,
        quarantine: true,
        unpublish_failing: false,
      },
    });
  });

  it('leaves a count that is not a number as typed, for the API to name', () => {
    const body = trustBodyOf({ ...trustDraftOf(null), policy: 'verify', minSignatures: 'two' });
    assert.equal((body.trust_policy as Record<string, unknown>).min_signatures, 'two');
  });

  it('reads a saved policy back into the form, and an unchanged edit sends neither field', () => {
    const mirror = {
      ...draftlessMirror(),
      signature_policy: 'verify',
      trust_policy: {
        version: 'v1',
        keys: [{ name: 'release', pem: PEM, algorithm: 'ecdsa-p256', fingerprint: 'sha256:ab' }],
        identities: [{ issuer_regexp: '^https://x', subject_regexp: '.*' }],
        trusted_root: null,
        min_signatures: 1,
        require_platform_signatures: false,
        quarantine: false,
        unpublish_failing: true,
      },
    } as Mirror;
    const draft = draftOf(mirror, 'org');
    assert.equal(draft.trust.policy, 'verify');
    assert.deepEqual(draft.trust.identities, [{ issuer: '^https://x', subject: '.*', regexp: true }]);
    assert.deepEqual(Object.keys(bodyOf(draft, mirror)), []);
    const changed = bodyOf({ ...draft, trust: { ...draft.trust, policy: 'accept' } }, mirror);
    assert.deepEqual(changed, { signature_policy: 'accept', trust_policy: null });
  });

  it('maps the API\'s require to the form\'s require-signature', () => {
    assert.equal(trustDraftOf({ signature_policy: 'require', trust_policy: null }).policy, 'require-signature');
  });
});

describe('a tag\'s signature in words', () => {
  const base = { policy_version: 'v9', digest: 'sha256:img', signature_digests: ['sha256:sig'], tlog_entries: [], detail: null, quarantined: false };
  it('names who signed', () => {
    const words = verificationWords({ ...base, outcome: 'verified', signers: [{ kind: 'key', name: 'release', fingerprint: 'sha256:fp' }, { kind: 'identity', subject: 'ci@example.com', issuer: 'https://accounts.google.com' }] });
    assert.equal(words.ok, true);
    assert.equal(words.summary, 'Signed by key release and ci@example.com (issued by https://accounts.google.com)');
    assert.ok(words.details.includes('Key release: sha256:fp'));
    assert.ok(words.details.includes('Policy version: v9'));
  });
  it('says why a tag was refused, and that it was quarantined', () => {
    const words = verificationWords({ ...base, outcome: 'SIGNER_NOT_TRUSTED', signers: [], detail: 'signed by another key', quarantined: true });
    assert.equal(words.ok, false);
    assert.equal(words.summary, 'Refused: not signed by a trusted key or identity; kept under its digest for inspection');
    assert.equal(words.details[0], 'Why: signed by another key');
    assert.ok(words.details.some((d) => d.startsWith('Quarantined')));
  });
  it('says nothing was checked when the mirror does not verify', () => {
    assert.equal(verificationWords(null).ok, null);
  });
});

function draftlessMirror(): Mirror {
  return {
    is_enabled: true,
    external_reference: 'quay.io/coreos/etcd',
    external_registry_username: null,
    external_registry_password_set: false,
    external_registry_config: { verify_tls: true, unsigned_images: false, proxy: { http_proxy: null, https_proxy: null, no_proxy: null } },
    sync_interval: 86400,
    sync_start_date: '2026-03-01T10:00:00Z',
    sync_expiration_date: null,
    sync_retries_remaining: 3,
    sync_status: 'SUCCESS',
    root_rule: { rule_kind: 'tag_glob_csv', rule_value: ['latest'] },
    robot_username: 'org+r',
    tag_deletion: { enabled: true, max_delete: null },
    current_run_id: null,
    last_run_id: null,
  };
}

describe('the Signatures group\'s errors after an edit', () => {
  it('drops the error of the key that was changed and keeps the others', () => {
    const before = { ...trustDraftOf(null), policy: 'verify' as const, keys: [{ name: 'a', pem: 'x' }, { name: 'b', pem: 'y' }] };
    const errors = { 'trust_policy.keys[0].pem': 'must be a PEM public key', 'trust_policy.keys[1].pem': 'must be a PEM public key', external_reference: 'is required' };
    const after = { ...before, keys: [{ name: 'a', pem: PEM }, before.keys[1]] };
    assert.deepEqual(errorsAfterTrustEdit(before, after, errors), { 'trust_policy.keys[1].pem': 'must be a PEM public key', external_reference: 'is required' });
    assert.deepEqual(errorsAfterTrustEdit(before, { ...before, keys: [before.keys[1]] }, errors), { external_reference: 'is required' });
  });
});

describe('a signature policy in words', () => {
  it('says what is accepted', () => {
    assert.equal(signaturePolicyWords({ signature_policy: 'accept', trust_policy: null }), 'Any image, signed or not');
    const view = { version: 'v', keys: [{ name: 'a', pem: 'p', algorithm: 'ed25519' as const, fingerprint: 'f' }], identities: [{ issuer: 'i', subject: 's' }, { issuer: 'j', subject: 't' }], trusted_root: null, min_signatures: 2, require_platform_signatures: false, quarantine: true, unpublish_failing: false };
    assert.equal(signaturePolicyWords({ signature_policy: 'verify', trust_policy: view }), 'Verified against 1 key and 2 keyless identities (2 signers needed); refused images quarantined');
  });
});

describe('cosign\'s tags in words', () => {
  it('names the image a .sig tag signs, and nothing for an ordinary tag', () => {
    assert.equal(cosignTagWords(`sha256-${'ab'.repeat(32)}.sig`), 'The signatures of the image sha256:abababababab, copied with it');
    assert.equal(cosignTagWords('v1'), null);
  });
});
