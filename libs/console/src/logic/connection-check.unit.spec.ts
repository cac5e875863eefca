import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { previewHeading, tryFailure, verificationWords } from './connection-check';

const FORM_FIELDS = ['external_reference', 'external_registry_password', 'external_registry_config', 'robot_username'];

describe('the connection check in words', () => {
  it('says what the upstream lists and which tags the rule selects, naming the first few', () => {
    assert.equal(verificationWords({ tags_listed: 4, tags_selected: 2, first_tags: ['v1.0', 'v1.1'] }), 'Connected: the upstream lists 4 tags; the tag rule selects 2: v1.0, v1.1.');
    assert.equal(verificationWords({ tags_listed: 40, tags_selected: 12, first_tags: ['a', 'b'] }), 'Connected: the upstream lists 40 tags; the tag rule selects 12: a, b and 10 more.');
    assert.equal(verificationWords({ tags_listed: 1, tags_selected: 0, first_tags: [] }), 'Connected: the upstream lists 1 tag; the tag rule selects none of them, so a run would copy nothing; widen the rule.');
    assert.match(verificationWords({ tags_listed: 0, tags_selected: 0, first_tags: [] }), /lists no tags yet/);
  });

  it('puts a refusal under the field it names, and points the alert there', () => {
    const failure = tryFailure('connection', { code: 'PREVIEW_FAILED', message: 'UNAUTHORIZED: refused', fieldProblems: [{ field: 'external_registry_password', message: 'the upstream refused these credentials' }] }, FORM_FIELDS);
    assert.deepEqual(failure, { errors: { external_registry_password: 'the upstream refused these credentials' }, title: 'The connection test failed: see the fields marked below.', elsewhere: '' });
  });

  it('spells out problems about fields the form does not show, and a failure naming no field', () => {
    const nested = tryFailure('preview', { code: 'INVALID_REQUEST', message: 'x', fieldProblems: [{ field: 'external_registry_config.verify_tls', message: 'TLS' }, { field: 'sync_retries', message: 'must be a number' }] }, FORM_FIELDS);
    assert.equal(nested.title, 'No preview: see the fields marked below.');
    assert.equal(nested.elsewhere, 'sync_retries must be a number');
    const bare = tryFailure('preview', { code: 'PREVIEW_FAILED', message: 'TIMEOUT: the target did not answer', fieldProblems: [] }, FORM_FIELDS);
    assert.deepEqual(bare, { errors: {}, title: 'No preview: TIMEOUT: the target did not answer', elsewhere: '' });
  });

  it('heads the preview by what it previews', () => {
    assert.equal(previewHeading('new'), 'Created with these settings, the first run would:');
    assert.equal(previewHeading('changed'), 'With these changes, the next run would:');
    assert.equal(previewHeading('saved'), 'As saved, the next run would:');
  });
});
