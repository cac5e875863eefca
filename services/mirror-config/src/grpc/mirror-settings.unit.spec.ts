import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidRequestError } from '../http/problem';
import { quayBodyFromSettings } from './mirror-settings';

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
