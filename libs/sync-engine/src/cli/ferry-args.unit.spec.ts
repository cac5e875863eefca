import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFerrySyncArgs } from './ferry-args';

describe('ferry sync arguments', () => {
  it('map skopeo-style flags onto a sync request', () => {
    const a = parseFerrySyncArgs(['quay.io/coreos/etcd', 'localhost:5000/mirror/etcd', '--tags', 'v3.*, latest', '--arch', 'amd64,arm64', '--src-tls-verify=false', '--dest-tls-verify=false', '--src-creds', 'u:p:w']);
    assert.equal(a.request.upstream.reference, 'quay.io/coreos/etcd');
    assert.equal(a.request.upstream.verifyTls, false);
    assert.equal(a.request.upstream.password, 'p:w');
    assert.equal(a.request.target.registryUrl, 'http://localhost:5000');
    assert.equal(a.request.target.repository, 'mirror/etcd');
    assert.deepEqual(a.request.tagPatterns, ['v3.*, latest']);
    assert.deepEqual(a.request.architectureFilter, ['amd64', 'arm64']);
  });
  it('take chunk sizes in MiB', () => {
    const a = parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags', '*', '--chunk-size', '32', '--chunked-threshold=64']);
    assert.equal(a.request.chunkSizeBytes, 32 * 1024 * 1024);
    assert.equal(a.request.chunkedUploadThresholdBytes, 64 * 1024 * 1024);
    assert.throws(() => parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags', '*', '--chunk-size', '0']), /--chunk-size takes a positive integer/);
  });
  it('refuse a missing --tags and unknown options', () => {
    assert.throws(() => parseFerrySyncArgs(['a.io/x', 'b.io/y']), /--tags is required/);
    assert.throws(() => parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags', '*', '--bogus']), /unknown option --bogus/);
  });
});
