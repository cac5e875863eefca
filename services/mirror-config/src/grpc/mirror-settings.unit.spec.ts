import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidRequestError } from '../http/problem';
import protobuf from 'protobufjs';
import { MIRROR_PROTO, ORG_MIRROR_PROTO } from './grpc-options';
import { quayBodyFromSettings, settingsMessage } from './mirror-settings';

describe('a gRPC MirrorSettings without an update mask', () => {
  it('becomes the fields that were sent, nested messages included', () => {
    const body = quayBodyFromSettings({
      external_reference: 'quay.io/coreos/etcd',
      is_enabled: false,
      sync_interval: 0,
      architecture_filter: [],
      root_rule: { rule_kind: 'tag_glob_csv', rule_value: [] },
      external_registry_config: { verify_tls: false, proxy: {} },
    });
    assert.deepEqual(body, {
      external_reference: 'quay.io/coreos/etcd',
      is_enabled: false,
      sync_interval: 0,
      root_rule: { rule_kind: 'tag_glob_csv', rule_value: [] },
      external_registry_config: { verify_tls: false, proxy: {} },
    });
  });

  it('is an empty body when nothing was sent', () => {
    assert.deepEqual(quayBodyFromSettings(undefined), {});
  });
});

describe('a gRPC MirrorSettings with an update mask', () => {
  it('takes only the masked paths and clears the ones that were not sent', () => {
    const body = quayBodyFromSettings(
      { sync_interval: 3600, robot_username: 'ns+other', external_registry_config: { verify_tls: false } },
      { paths: ['sync_interval', 'external_registry_username', 'external_registry_password', 'external_registry_config.verify_tls', 'external_registry_config.proxy.https_proxy'] },
    );
    assert.deepEqual(body, {
      sync_interval: 3600,
      external_registry_username: null,
      external_registry_password: null,
      external_registry_config: { verify_tls: false, proxy: { https_proxy: null } },
    });
  });

  it('refuses a malformed path naming update_mask', () => {
    assert.throws(
      () => quayBodyFromSettings({}, { paths: ['sync_interval', 'Bad Path'] }),
      (e: unknown) => e instanceof InvalidRequestError && e.problems.length === 1 && e.problems[0]!.field === 'update_mask',
    );
  });
});

describe('a gRPC TagRule', () => {
  const decoded = {
    include: [
      { kind: 'glob', patterns: ['latest'] },
      { kind: 'semver', patterns: [], range: '>=1.27 <1.30' },
    ],
    exclude: [{ kind: 'regex', patterns: [], pattern: '.*-rc.*' }],
    keep_newest: { count: 3, by: 'semver' },
  };
  const expected = {
    include: [{ kind: 'glob', patterns: ['latest'] }, { kind: 'semver', range: '>=1.27 <1.30' }],
    exclude: [{ kind: 'regex', pattern: '.*-rc.*' }],
    keep_newest: { count: 3, by: 'semver' },
  };
  it('becomes the HTTP API\'s tag_rule, each selector with its own fields', () => {
    assert.deepEqual(quayBodyFromSettings({ tag_rule: decoded }).tag_rule, expected);
  });
  it('is taken by an update mask path', () => {
    assert.deepEqual(quayBodyFromSettings({ tag_rule: decoded, sync_interval: 60 }, { paths: ['tag_rule'] }), { tag_rule: expected });
  });
  it('round-trips through the proto, in MirrorSettings and in Mirror', () => {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => target;
    root.loadSync(MIRROR_PROTO, { keepCase: true });
    for (const [name, field] of [['ferry.v1.MirrorSettings', 'tag_rule'], ['ferry.v1.Mirror', 'tag_rule']] as const) {
      const type = root.lookupType(name);
      const view = { ...expected, include: [expected.include[0], { ...expected.include[1], include_prerelease: false }], keep_newest: { count: 3, by: 'semver' } };
      const back = type.toObject(type.decode(type.encode(type.fromObject({ [field]: view })).finish()), { arrays: true }) as Record<string, unknown>;
      assert.deepEqual(quayBodyFromSettings(back).tag_rule, { ...expected, include: [expected.include[0], { ...expected.include[1], include_prerelease: false }] });
    }
  });
});

describe('a gRPC MirrorSettings with tag_deletion', () => {
  it('round-trips through the proto into the HTTP body, the cap as its text', () => {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => target;
    root.loadSync(MIRROR_PROTO, { keepCase: true });
    const type = root.lookupType('ferry.v1.MirrorSettings');
    const back = type.toObject(type.decode(type.encode(type.fromObject({ tag_deletion: { enabled: true, max_delete: '25%' } })).finish()), { arrays: true }) as Record<string, unknown>;
    assert.deepEqual(quayBodyFromSettings(back), { tag_deletion: { enabled: true, max_delete: '25%' } });
    assert.deepEqual(quayBodyFromSettings({ tag_deletion: { enabled: false }, sync_interval: 60 }, { paths: ['tag_deletion'] }), { tag_deletion: { enabled: false } });
  });
});

describe('a gRPC MirrorSettings with a trust policy', () => {
  it('round-trips through the proto into the HTTP body', () => {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => target;
    root.loadSync(MIRROR_PROTO, { keepCase: true });
    const type = root.lookupType('ferry.v1.MirrorSettings');
    const policy = { keys: [{ name: 'release', pem: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----' }], identities: [{ issuer: 'https://issuer.test', subject_regexp: '@example\\.test$' }], min_signatures: 1, quarantine: true };
    const back = type.toObject(type.decode(type.encode(type.fromObject({ signature_policy: 'verify', trust_policy: policy })).finish()), { arrays: true }) as Record<string, unknown>;
    assert.deepEqual(quayBodyFromSettings(back), { signature_policy: 'verify', trust_policy: policy });
  });
});

describe('an update mask checked against the settings message', () => {
  it('refuses paths that name no field, naming them, and takes nested fields it has', () => {
    const settings = settingsMessage(MIRROR_PROTO, 'ferry.v1.MirrorSettings');
    assert.throws(
      () => quayBodyFromSettings({ sync_interval: 60 }, { paths: ['sync_interval', 'no_such_field', 'external_registry_config.nope', 'sync_interval.deeper'] }, settings),
      (e: unknown) =>
        e instanceof InvalidRequestError &&
        e.problems.length === 1 &&
        e.problems[0]!.field === 'update_mask' &&
        /"no_such_field"/.test(e.problems[0]!.message) &&
        /"external_registry_config\.nope"/.test(e.problems[0]!.message) &&
        /"sync_interval\.deeper"/.test(e.problems[0]!.message) &&
        !/"sync_interval",/.test(e.problems[0]!.message),
    );
    assert.deepEqual(quayBodyFromSettings({ sync_interval: 60 }, { paths: ['sync_interval', 'external_registry_config.proxy.https_proxy'] }, settings), {
      sync_interval: 60,
      external_registry_config: { proxy: { https_proxy: null } },
    });
  });
  it('knows the organization mirror\'s settings too', () => {
    const settings = settingsMessage(ORG_MIRROR_PROTO, 'ferry.v1.OrgMirrorSettings');
    assert.deepEqual(quayBodyFromSettings({ sync_interval: 60 }, { paths: ['sync_interval'] }, settings), { sync_interval: 60 });
    assert.throws(() => quayBodyFromSettings({}, { paths: ['robot_usernam'] }, settings), (e: unknown) => e instanceof InvalidRequestError && /"robot_usernam"/.test(e.problems[0]!.message));
  });
});
