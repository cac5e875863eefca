import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { orgMirrorBodyOf, orgMirrorDraftOf } from './org-mirror-body';
import type { OrgMirror } from '../types';

const MIRROR = {
  is_enabled: true,
  external_registry_type: 'distribution',
  external_registry_url: 'https://registry.example.com',
  external_namespace: 'library',
  external_registry_username: 'puller',
  has_external_registry_password: true,
  external_registry_config: { verify_tls: true, unsigned_images: false, proxy: { http_proxy: null, https_proxy: null, no_proxy: null } },
  repository_filters: ['svc-*'],
  robot_username: 'org+syncer',
  visibility: 'private',
  sync_interval: 3600,
  sync_start_date: '2026-03-01T10:00:00Z',
} as unknown as OrgMirror;

describe('the Organization mirroring form\'s body', () => {
  it('creates with every field, and no credentials when none are typed', () => {
    const body = orgMirrorBodyOf({ ...orgMirrorDraftOf(null), url: ' https://r.example.com ', filters: 'a*, b* ,', robot: 'o+r', interval: '2', unit: 'hours' }, null);
    assert.equal(body.external_registry_url, 'https://r.example.com');
    assert.deepEqual(body.repository_filters, ['a*', 'b*']);
    assert.equal(body.sync_interval, 7200);
    assert.equal('external_registry_username' in body, false);
    assert.equal('external_registry_password' in body, false);
  });

  it('edits by sending only what changed: an untouched form sends nothing', () => {
    assert.deepEqual(orgMirrorBodyOf(orgMirrorDraftOf(MIRROR), MIRROR), {});
    const body = orgMirrorBodyOf({ ...orgMirrorDraftOf(MIRROR), filters: 'svc-*, tools/*', verifyTls: false, interval: '2' , unit: 'hours' }, MIRROR);
    assert.deepEqual(body, { repository_filters: ['svc-*', 'tools/*'], sync_interval: 7200, external_registry_config: { verify_tls: false } });
  });

  it('sends the signature policy its repositories follow, and a change of it alone', () => {
    assert.equal(orgMirrorBodyOf(orgMirrorDraftOf(null), null).signature_policy, 'accept');
    const draft = orgMirrorDraftOf(MIRROR);
    const body = orgMirrorBodyOf({ ...draft, trust: { ...draft.trust, policy: 'verify', keys: [{ name: 'release', pem: 'PEM' }] } }, MIRROR);
    assert.deepEqual(Object.keys(body).sort(), ['signature_policy', 'trust_policy']);
    assert.deepEqual((body.trust_policy as { keys: unknown }).keys, [{ name: 'release', pem: 'PEM' }]);
  });

  it('sends a typed password, and clears the password with the user name', () => {
    assert.deepEqual(orgMirrorBodyOf({ ...orgMirrorDraftOf(MIRROR), password: 's3cret' }, MIRROR), { external_registry_password: 's3cret' });
    assert.deepEqual(orgMirrorBodyOf({ ...orgMirrorDraftOf(MIRROR), username: '' }, MIRROR), { external_registry_username: null, external_registry_password: null });
  });
});
