import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDistributionPath, splitRepositoryName } from './distribution-path';

describe('the registry front routes the distribution read API', () => {
  it('names the manifest, blob, tags and referrers endpoints with their repository', () => {
    assert.deepEqual(parseDistributionPath('/v2/'), { kind: 'base' });
    assert.deepEqual(parseDistributionPath('/v2/hub/alpine/manifests/3.20'), { kind: 'manifest', name: 'hub/alpine', reference: '3.20' });
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.deepEqual(parseDistributionPath(`/v2/hub/library/alpine/manifests/${digest}`), { kind: 'manifest', name: 'hub/library/alpine', reference: digest });
    assert.deepEqual(parseDistributionPath(`/v2/hub/alpine/blobs/${digest}`), { kind: 'blob', name: 'hub/alpine', digest });
    assert.deepEqual(parseDistributionPath('/v2/hub/alpine/tags/list'), { kind: 'tags', name: 'hub/alpine' });
    assert.deepEqual(parseDistributionPath(`/v2/hub/alpine/referrers/${digest}`), { kind: 'referrers', name: 'hub/alpine', digest });
  });

  it('leaves uploads, the catalog and malformed names to the target', () => {
    assert.deepEqual(parseDistributionPath('/v2/hub/alpine/blobs/uploads/'), { kind: 'other' });
    assert.deepEqual(parseDistributionPath('/v2/_catalog'), { kind: 'other' });
    assert.deepEqual(parseDistributionPath('/v2/Hub/alpine/manifests/x'), { kind: 'other' });
    assert.deepEqual(parseDistributionPath('/v2/hub/../manifests/x'), { kind: 'other' });
  });

  it('splits a name at its namespace', () => {
    assert.deepEqual(splitRepositoryName('hub/library/alpine'), { namespace: 'hub', repository: 'library/alpine' });
    assert.equal(splitRepositoryName('alpine'), null);
  });
});
