import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFerrySyncArgs } from './sync-args';

describe('ferry sync arguments', () => {
  it('map skopeo-style flags onto a sync request', () => {
    const a = parseFerrySyncArgs(['quay.io/coreos/etcd', 'localhost:5000/mirror/etcd', '--tags', 'v3.*, latest', '--arch', 'amd64,arm64', '--src-tls-verify=false', '--dest-tls-verify=false', '--src-creds', 'u:p:w']);
    assert.equal(a.request.upstream.reference, 'quay.io/coreos/etcd');
    assert.equal(a.request.upstream.verifyTls, false);
    assert.equal(a.request.upstream.password, 'p:w');
    assert.equal(a.request.target.registryUrl, 'http://localhost:5000');
    assert.equal(a.request.target.repository, 'mirror/etcd');
    assert.deepEqual(a.request.tagRule, { include: [{ kind: 'glob', patterns: ['v3.*', 'latest'] }], exclude: [] });
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
  it('build a tag rule from regex, semver, exclude and keep-newest flags, in that order of application', () => {
    const a = parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags', 'latest', '--tags-regex', 'v\\d+', '--tags-semver', '>=1.27 <1.30', '--include-prerelease', '--exclude', '*-rc*,*-beta*', '--exclude-regex', '.*-dev', '--keep-newest', '3']);
    assert.deepEqual(a.request.tagRule, {
      include: [
        { kind: 'glob', patterns: ['latest'] },
        { kind: 'regex', pattern: 'v\\d+' },
        { kind: 'semver', range: '>=1.27 <1.30', includePrerelease: true },
      ],
      exclude: [{ kind: 'glob', patterns: ['*-rc*', '*-beta*'] }, { kind: 'regex', pattern: '.*-dev' }],
      keepNewest: { count: 3, by: 'semver' },
    });
  });
  it('take a semver range alone, without --tags', () => {
    const a = parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags-semver', '^2']);
    assert.deepEqual(a.request.tagRule, { include: [{ kind: 'semver', range: '^2' }], exclude: [] });
  });
  it('refuse a bad rule, naming the flag', () => {
    assert.throws(() => parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags-regex', '(a+)+$']), /--tags-regex .*nested quantifiers/);
    assert.throws(() => parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags-semver', 'not a range']), /--tags-semver .*not a semver range/);
    assert.throws(() => parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags', '*', '--exclude', 'v3.[1']), /--exclude pattern "v3.\[1" has an unclosed \[/);
    assert.throws(() => parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags', '*', '--keep-newest', '0']), /--keep-newest takes a positive integer/);
    assert.throws(() => parseFerrySyncArgs(['a.io/x', 'b.io/y', '--exclude', 'x']), /--tags is required/);
  });
});

describe('ferry sync deletion flags', () => {
  it('keep target tags by default and delete only with --delete, within --max-delete', () => {
    assert.deepEqual(parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags', '*']).request.tagDeletion, { enabled: false, maxDelete: null });
    assert.deepEqual(parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags', '*', '--delete']).request.tagDeletion, { enabled: true, maxDelete: null });
    assert.deepEqual(parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags', '*', '--delete', '--max-delete', '10%']).request.tagDeletion, { enabled: true, maxDelete: { percent: 10 } });
    assert.equal(parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags', '*', '--dry-run']).dryRun, true);
  });
  it('refuse a cap without --delete, a bad cap, and first-seen, which needs a mirror', () => {
    assert.throws(() => parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags', '*', '--max-delete', '3']), /--max-delete needs --delete/);
    assert.throws(() => parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags', '*', '--delete', '--max-delete', '101%']), /--max-delete takes a count/);
    assert.throws(() => parseFerrySyncArgs(['a.io/x', 'b.io/y', '--tags', '*', '--keep-newest', '2', '--keep-newest-by', 'first-seen']), /only a mirror keeps/);
  });
});
