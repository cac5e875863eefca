import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { refusesUnsignedImages, trustPolicyOf } from '@ferry/contracts';
import { parseMirrorInput, type MirrorInputResult } from './mirror.input';

const target = { namespace: 'ns', repository: 'repo' };
const valid = {
  external_reference: 'quay.io/coreos/etcd',
  robot_username: 'ns+mirror',
  root_rule: { rule_kind: 'tag_glob_csv', rule_value: ['v3.*', ' latest '] },
  sync_start_date: '2026-01-01T00:00:00Z',
  sync_interval: 3600,
};
const P256_KEY = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const P384_KEY = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const TEST_ROOT = readFileSync(join(require.resolve('@ferry/trust-policy'), '..', '..', 'fixtures', 'cosign-trusted_root_pgi.json'), 'utf8');
const fields = (r: MirrorInputResult) => (r.ok ? [] : r.problems.map((p) => p.field));

describe('a mirror body for POST', () => {
  it('accepts Quay\'s required fields and fills the defaults', () => {
    const r = parseMirrorInput(valid, target, null);
    assert.ok(r.ok);
    assert.deepEqual(r.draft.tagRule, { include: [{ kind: 'glob', patterns: ['v3.*', 'latest'] }], exclude: [] });
    assert.equal(r.draft.externalRegistryConfig.verifyTls, true);
    assert.equal(r.draft.skopeoTimeoutInterval, 300);
  });
  it('names each missing required field', () => {
    assert.deepEqual(fields(parseMirrorInput({}, target, null)).sort(), ['external_reference', 'robot_username', 'root_rule', 'sync_interval', 'sync_start_date']);
  });
  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['interval 0', { sync_interval: 0 }, 'sync_interval'],
    ['a negative interval', { sync_interval: -60 }, 'sync_interval'],
    ['a fractional interval', { sync_interval: 90.5 }, 'sync_interval'],
    ['a reference with a scheme', { external_reference: 'https://quay.io/x/y' }, 'external_reference'],
    ['a reference with userinfo', { external_reference: 'user:pw@quay.io/x/y' }, 'external_reference'],
    ['a reference with a tag', { external_reference: 'quay.io/x/y:latest' }, 'external_reference'],
    ['a reference without a path', { external_reference: 'quay.io' }, 'external_reference'],
    ['a reference to [::127.0.0.1]', { external_reference: '[::127.0.0.1]:5000/x/y' }, 'external_reference'],
    ['a bracketed host with a dotted IPv4 tail', { external_reference: '[::ffff:10.0.0.1]/x/y' }, 'external_reference'],
    ['a bracketed host that is not IPv6', { external_reference: '[1::2::3]/x/y' }, 'external_reference'],
    ['a bracketed name', { external_reference: '[quay.io]/x/y' }, 'external_reference'],
    ['empty brackets', { external_reference: '[]:5000/x/y' }, 'external_reference'],
    ['a start date without Z', { sync_start_date: '2026-01-01T00:00:00' }, 'sync_start_date'],
    ['an impossible start date', { sync_start_date: '2026-02-30T00:00:00Z' }, 'sync_start_date'],
    ['a robot without a namespace', { robot_username: 'mirror' }, 'robot_username'],
    ['an empty pattern list', { root_rule: { rule_kind: 'tag_glob_csv', rule_value: [] } }, 'root_rule.rule_value'],
    ['an unclosed bracket', { root_rule: { rule_kind: 'tag_glob_csv', rule_value: ['v3.[1'] } }, 'root_rule.rule_value'],
    ['another rule kind', { root_rule: { rule_kind: 'regex', rule_value: ['x'] } }, 'root_rule.rule_kind'],
    ['a short timeout', { skopeo_timeout_interval: 10 }, 'skopeo_timeout_interval'],
    ['a non-boolean verify_tls', { external_registry_config: { verify_tls: 'no' } }, 'external_registry_config.verify_tls'],
    ['a proxy that is not a URL', { external_registry_config: { proxy: { https_proxy: 'not a url' } } }, 'external_registry_config.proxy.https_proxy'],
    ['a password without a username', { external_registry_password: 'pw' }, 'external_registry_password'],
    ['a robot of another organization', { robot_username: 'other+mirror' }, 'robot_username'],
    ['an unknown signature policy', { signature_policy: 'sometimes' }, 'signature_policy'],
    ['verify without a trust policy', { signature_policy: 'verify' }, 'trust_policy'],
    ['an unparseable key', { signature_policy: 'verify', trust_policy: { keys: [{ pem: '-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----' }] } }, 'trust_policy.keys[0].pem'],
    ['a key of an unknown algorithm', { signature_policy: 'verify', trust_policy: { keys: [{ pem: P384_KEY }] } }, 'trust_policy.keys[0].pem'],
    ['a bad identity regex', { signature_policy: 'verify', trust_policy: { identities: [{ issuer: 'https://x', subject_regexp: '([' }], trusted_root: TEST_ROOT } }, 'trust_policy.identities[0].subject_regexp'],
    ['a trusted root that is not JSON', { signature_policy: 'verify', trust_policy: { identities: [{ issuer: 'https://x', subject: 'a@b' }], trusted_root: 'nope' } }, 'trust_policy.trusted_root'],
    ['a minimum above the signers', { signature_policy: 'verify', trust_policy: { keys: [{ pem: P256_KEY }], min_signatures: 2 } }, 'trust_policy.min_signatures'],
    ['a bad architecture filter', { architecture_filter: ['AMD 64'] }, 'architecture_filter'],
    ['a non-boolean is_enabled', { is_enabled: 'yes' }, 'is_enabled'],
    ['a catastrophic regex', { tag_rule: { include: [{ kind: 'regex', pattern: '(a+)+$' }] } }, 'tag_rule.include[0].pattern'],
    ['a bad semver range', { tag_rule: { include: [{ kind: 'glob', patterns: ['*'] }, { kind: 'semver', range: 'not a range' }] } }, 'tag_rule.include[1].range'],
    ['an unknown selector kind', { tag_rule: { include: [{ kind: 'wildcard', patterns: ['*'] }] } }, 'tag_rule.include[0].kind'],
    ['a bad exclude glob', { tag_rule: { include: [{ kind: 'glob', patterns: ['*'] }], exclude: [{ kind: 'glob', patterns: ['v3.[1'] }] } }, 'tag_rule.exclude[0].patterns'],
    ['no includes', { tag_rule: { include: [] } }, 'tag_rule.include'],
    ['keep_newest 0', { tag_rule: { include: [{ kind: 'glob', patterns: ['*'] }], keep_newest: { count: 0 } } }, 'tag_rule.keep_newest.count'],
    ['keep_newest by an unknown order', { tag_rule: { include: [{ kind: 'glob', patterns: ['*'] }], keep_newest: { count: 2, by: 'age' } } }, 'tag_rule.keep_newest.by'],
    ['a tag_deletion that is not an object', { tag_deletion: true }, 'tag_deletion'],
    ['a non-boolean tag_deletion.enabled', { tag_deletion: { enabled: 'no' } }, 'tag_deletion.enabled'],
    ['a negative max_delete', { tag_deletion: { max_delete: -1 } }, 'tag_deletion.max_delete'],
    ['a max_delete over 100%', { tag_deletion: { max_delete: '150%' } }, 'tag_deletion.max_delete'],
    ['a fractional max_delete', { tag_deletion: { max_delete: 2.5 } }, 'tag_deletion.max_delete'],
    ['a misspelt tag_deletion field', { tag_deletion: { max_deletes: 3 } }, 'tag_deletion.max_deletes'],
    ['a misspelt tag_rule field', { tag_rule: { include: [{ kind: 'glob', patterns: ['*'] }], exlude: [] } }, 'tag_rule.exlude'],
  ];
  for (const [what, patch, field] of invalid) {
    it(`refuses ${what}, naming ${field}`, () => {
      assert.deepEqual(fields(parseMirrorInput({ ...valid, ...patch }, target, null)), [field]);
    });
  }
  it('accepts keep_newest by first-seen: a mirror records when it first saw each tag', () => {
    const parsed = parseMirrorInput({ ...valid, tag_rule: { include: [{ kind: 'glob', patterns: ['*'] }], keep_newest: { count: 2, by: 'first-seen' } } }, target, null);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.draft.tagRule.keepNewest, { count: 2, by: 'first-seen' });
  });
  it('reads tag_deletion: a count, a percentage, no cap, and keeps what a later body leaves out', () => {
    const count = parseMirrorInput({ ...valid, tag_deletion: { max_delete: 10 } }, target, null);
    assert.ok(count.ok);
    assert.deepEqual(count.draft.tagDeletion, { enabled: true, maxDelete: { count: 10 } });
    const percent = parseMirrorInput({ ...valid, tag_deletion: { enabled: false, max_delete: '25%' } }, target, null);
    assert.ok(percent.ok);
    assert.deepEqual(percent.draft.tagDeletion, { enabled: false, maxDelete: { percent: 25 } });
    const kept = parseMirrorInput({ ...valid, tag_deletion: { enabled: true } }, target, percent.draft);
    assert.ok(kept.ok);
    assert.deepEqual(kept.draft.tagDeletion, { enabled: true, maxDelete: { percent: 25 } });
    const untouched = parseMirrorInput({ is_enabled: false }, target, percent.draft);
    assert.ok(untouched.ok);
    assert.deepEqual(untouched.draft.tagDeletion, percent.draft.tagDeletion);
  });
  it('leaves tag_deletion unset for a Quay body: such a mirror deletes as Quay does', () => {
    const parsed = parseMirrorInput(valid, target, null);
    assert.ok(parsed.ok);
    assert.equal(parsed.draft.tagDeletion, undefined);
  });
  it('accepts an IPv6 literal in brackets, with or without a port', () => {
    for (const reference of ['[fd00::5]:5000/x/y', '[2001:db8::1]/x', '[::1]:5000/x/y']) {
      const parsed = parseMirrorInput({ ...valid, external_reference: reference }, target, null);
      assert.ok(parsed.ok, `${reference}: ${JSON.stringify(!parsed.ok && parsed.problems)}`);
    }
  });

  it('ignores fields Quay\'s schema does not know, naming them, as Quay does', () => {
    const parsed = parseMirrorInput({ ...valid, sync_everything: true, unsigned_images: false, external_registry_config: { verify_tls: true, colour: 'blue', proxy: { socks: 'x' } } }, target, null);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.ignored, ['sync_everything', 'unsigned_images', 'external_registry_config.colour', 'external_registry_config.proxy.socks']);
  });

  it('takes Quay\'s default unsigned_images: false to mean "the signature policy decides", which accepts by default', () => {
    const parsed = parseMirrorInput({ ...valid, external_registry_config: { unsigned_images: false } }, target, null);
    assert.ok(parsed.ok);
    assert.equal(parsed.draft.signaturePolicy, 'accept');
    assert.equal(refusesUnsignedImages(parsed.draft), false);
    const strict = parseMirrorInput({ ...valid, signature_policy: 'require' }, target, null);
    assert.ok(strict.ok);
    assert.equal(refusesUnsignedImages(strict.draft), true);
    const spelled = parseMirrorInput({ ...valid, signature_policy: 'require-signature' }, target, null);
    assert.ok(spelled.ok);
    assert.equal(refusesUnsignedImages(spelled.draft), true);
    // Quay's unsigned_images: true accepts them whatever the policy.
    const lenient = parseMirrorInput({ ...valid, signature_policy: 'require', external_registry_config: { unsigned_images: true } }, target, null);
    assert.ok(lenient.ok);
    assert.equal(refusesUnsignedImages(lenient.draft), false);
  });

  it('stores a verify policy with its keys, which unsigned_images: true overrides as Quay\'s flag does', () => {
    const parsed = parseMirrorInput({ ...valid, signature_policy: 'verify', trust_policy: { keys: [{ name: 'release', pem: P256_KEY }], quarantine: true } }, target, null);
    assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
    assert.equal(parsed.draft.trustPolicy?.keys[0]?.algorithm, 'ecdsa-p256');
    assert.equal(trustPolicyOf(parsed.draft)?.quarantine, true);
    assert.equal(trustPolicyOf({ ...parsed.draft, externalRegistryConfig: { ...parsed.draft.externalRegistryConfig, unsignedImages: true } }), null);
    // A PUT that leaves the trust policy out keeps it; null clears it (and then verify needs one).
    const kept = parseMirrorInput({ sync_interval: 7200 }, target, parsed.draft);
    assert.ok(kept.ok);
    assert.equal(kept.draft.trustPolicy?.version, parsed.draft.trustPolicy?.version);
    assert.deepEqual(fields(parseMirrorInput({ trust_policy: null }, target, parsed.draft)), ['trust_policy']);
  });

  it('reads configs stored before the policy existed as they were meant: unsigned_images false refused them', () => {
    const stored = { externalRegistryConfig: { verifyTls: true, unsignedImages: false, proxy: { httpProxy: null, httpsProxy: null, noProxy: null } } };
    assert.equal(refusesUnsignedImages(stored), true);
    assert.equal(refusesUnsignedImages({ externalRegistryConfig: { ...stored.externalRegistryConfig, unsignedImages: true } }), false);
  });

  it('does not echo the password in any problem', () => {
    const r = parseMirrorInput({ ...valid, external_registry_password: 's3cret-pw' }, target, null);
    assert.doesNotMatch(JSON.stringify(r.ok ? [] : r.problems), /s3cret/);
  });
});

describe('a mirror body for PUT', () => {
  const base = (() => {
    const r = parseMirrorInput({ ...valid, external_registry_username: 'u' }, target, null);
    assert.ok(r.ok);
    return r.draft;
  })();
  it('keeps absent fields and the stored password', () => {
    const r = parseMirrorInput({ is_enabled: false }, target, base, true);
    assert.ok(r.ok);
    assert.equal(r.draft.isEnabled, false);
    assert.equal(r.draft.externalReference, 'quay.io/coreos/etcd');
    assert.deepEqual(r.password, { action: 'keep' });
  });
  it('clears the password along with the username', () => {
    const r = parseMirrorInput({ external_registry_username: null }, target, base, true);
    assert.ok(r.ok);
    assert.deepEqual(r.password, { action: 'clear' });
  });
  it('accepts the read-only fields a GET returned', () => {
    assert.ok(parseMirrorInput({ sync_status: 'SUCCESS', mirror_type: 'PULL' }, target, base).ok);
  });
});

describe('Ferry\'s tag_rule beside Quay\'s root_rule', () => {
  const { root_rule: _root, ...withoutRoot } = valid;
  const rich = {
    include: [{ kind: 'semver', range: '>=1.27 <1.30' }, { kind: 'glob', patterns: ['latest'] }],
    exclude: [{ kind: 'regex', pattern: '.*-rc\\d*' }],
    keep_newest: { count: 3, by: 'semver' },
  };
  const richRule = {
    include: [{ kind: 'semver', range: '>=1.27 <1.30' }, { kind: 'glob', patterns: ['latest'] }],
    exclude: [{ kind: 'regex', pattern: '.*-rc\\d*' }],
    keepNewest: { count: 3, by: 'semver' },
  };
  it('takes tag_rule instead of root_rule on POST', () => {
    const r = parseMirrorInput({ ...withoutRoot, tag_rule: rich }, target, null);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    assert.deepEqual(r.draft.tagRule, richRule);
  });
  it('lets a root_rule alone change only the rule\'s globs', () => {
    const base = parseMirrorInput({ ...withoutRoot, tag_rule: rich }, target, null);
    assert.ok(base.ok);
    const r = parseMirrorInput({ root_rule: { rule_kind: 'tag_glob_csv', rule_value: ['stable'] } }, target, base.draft);
    assert.ok(r.ok);
    assert.deepEqual(r.draft.tagRule, { ...richRule, include: [richRule.include[0], { kind: 'glob', patterns: ['stable'] }] });
  });
  it('ignores the root_rule a client read back beside the tag_rule it changed', () => {
    const base = parseMirrorInput(valid, target, null);
    assert.ok(base.ok);
    const r = parseMirrorInput({ root_rule: valid.root_rule, tag_rule: rich }, target, base.draft);
    assert.ok(r.ok);
    assert.deepEqual(r.draft.tagRule, richRule);
  });
  it('keeps the stored rule when a PUT names neither', () => {
    const base = parseMirrorInput({ ...withoutRoot, tag_rule: rich }, target, null);
    assert.ok(base.ok);
    const r = parseMirrorInput({ sync_interval: 7200 }, target, base.draft);
    assert.ok(r.ok);
    assert.deepEqual(r.draft.tagRule, richRule);
  });
});
