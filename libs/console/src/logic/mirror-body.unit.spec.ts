import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Mirror } from '../types';
import { bodyOf, draftOf, intervalParts, localInput, localToIso, ruleBeyondGlobs } from './mirror-body';

const MIRROR: Mirror = {
  is_enabled: true,
  external_reference: 'quay.io/coreos/etcd',
  external_registry_username: 'puller',
  external_registry_password_set: true,
  external_registry_config: { verify_tls: true, unsigned_images: false, proxy: { http_proxy: null, https_proxy: 'http://proxy:3128', no_proxy: null } },
  sync_interval: 7200,
  sync_start_date: '2026-03-01T10:00:00Z',
  sync_expiration_date: null,
  sync_retries_remaining: 3,
  sync_status: 'SUCCESS',
  root_rule: { rule_kind: 'tag_glob_csv', rule_value: ['v3.5.*', 'latest'] },
  robot_username: 'mirrors+syncer',
  tag_deletion: { enabled: true, max_delete: '25%' },
  current_run_id: null,
  last_run_id: null,
};

describe('the Mirroring form\'s body', () => {
  it('creates with every field, in Quay\'s shape, and the password only when one is typed', () => {
    const draft = { ...draftOf(null, 'mirrors'), externalReference: ' quay.io/coreos/etcd ', tags: 'v3.5.*, latest,', interval: '2', unit: 'hours' as const, robot: 'mirrors+syncer' };
    const body = bodyOf(draft, null);
    assert.equal(body.external_reference, 'quay.io/coreos/etcd');
    assert.deepEqual(body.root_rule, { rule_kind: 'tag_glob_csv', rule_value: ['v3.5.*', 'latest'] });
    assert.equal(body.sync_interval, 7200);
    assert.equal(body.external_registry_username, null);
    assert.ok(!('external_registry_password' in body), 'no password typed, none sent');
    assert.deepEqual(body.tag_deletion, { enabled: true, max_delete: null });
    assert.equal(bodyOf({ ...draft, password: 's3cret' }, null).external_registry_password, 's3cret');
  });

  it('sends a value it cannot read as typed, so that the API names the field', () => {
    const body = bodyOf({ ...draftOf(null, 'ns'), interval: 'soon', maxDelete: ' 10 ' }, null);
    assert.equal(body.sync_interval, 'soon');
    assert.deepEqual(body.tag_deletion, { enabled: true, max_delete: 10 });
  });

  it('edits with only what changed: an untouched form sends nothing, so the schedule and the password stay', () => {
    const draft = draftOf(MIRROR, 'mirrors');
    assert.deepEqual(bodyOf(draft, MIRROR), {});
    assert.deepEqual(bodyOf({ ...draft, tags: 'latest' }, MIRROR), { root_rule: { rule_kind: 'tag_glob_csv', rule_value: ['latest'] } });
    assert.deepEqual(bodyOf({ ...draft, password: 'new' }, MIRROR), { external_registry_password: 'new' });
    assert.deepEqual(bodyOf({ ...draft, clearCredentials: true }, MIRROR), { external_registry_username: null, external_registry_password: null });
    assert.deepEqual(bodyOf({ ...draft, httpsProxy: '' }, MIRROR), { external_registry_config: { verify_tls: true, unsigned_images: false, proxy: { http_proxy: null, https_proxy: null, no_proxy: null } } });
  });

  it('reads a mirror back as the form shows it', () => {
    const draft = draftOf(MIRROR, 'mirrors');
    assert.deepEqual([draft.interval, draft.unit], ['2', 'hours']);
    assert.equal(draft.tags, 'v3.5.*, latest');
    assert.equal(draft.maxDelete, '25%');
    assert.equal(draft.password, '', 'a set password is never in the form');
    assert.deepEqual(intervalParts(90), { interval: '90', unit: 'seconds' });
    assert.deepEqual(intervalParts(86400 * 3), { interval: '3', unit: 'days' });
    // The start date goes to the browser's time zone and back to the same instant, to the minute.
    assert.equal(localToIso(localInput('2026-03-01T10:00:00Z')), '2026-03-01T10:00:00Z');
    assert.equal(localToIso('not a date'), 'not a date');
  });

  it('says what a tag rule holds beyond the globs the form edits', () => {
    assert.equal(ruleBeyondGlobs(MIRROR), null);
    assert.equal(ruleBeyondGlobs({ ...MIRROR, tag_rule: { include: [{ kind: 'glob' }], exclude: [], keep_newest: null } }), null);
    assert.equal(
      ruleBeyondGlobs({ ...MIRROR, tag_rule: { include: [{ kind: 'glob' }, { kind: 'semver' }], exclude: [{ kind: 'regex' }], keep_newest: { count: 5, by: 'semver' } } }),
      'a semver selector, 1 exclude, keep the newest 5 by semver',
    );
  });
});
