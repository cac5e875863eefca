import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { byNewestVersion, semverKind, semverRangeProblem, tagVersion } from './semver';

const select = (range: string, tags: string[], includePrerelease?: boolean) => [...semverKind.compile({ kind: 'semver', range, ...(includePrerelease ? { includePrerelease } : {}) })(tags)];
const TAGS = ['1.26.3', 'v1.27.0', '1.27', 'v1.28.1', '1.29.0-rc.1', 'v1.29.2', '1.30.0', 'latest', '1.28-alpine', '2'];

describe('tags read as versions', () => {
  it('understand v1.2.3, 1.2 and 1 by coercion', () => {
    assert.equal(tagVersion('v1.2.3')?.version, '1.2.3');
    assert.equal(tagVersion('1.2')?.version, '1.2.0');
    assert.equal(tagVersion('V2')?.version, '2.0.0');
    assert.equal(tagVersion('1.2-rc.1')?.version, '1.2.0-rc.1');
  });
  it('leave tags that name no version', () => {
    for (const tag of ['latest', 'stable', 'sha-abc123', '1.2.3.4', 'alpine3.19', 'v']) assert.equal(tagVersion(tag), null, tag);
  });
  it('leave date tags with leading zeros, which semver does not allow, and read those without as versions', () => {
    assert.equal(tagVersion('2024.01.15'), null);
    assert.equal(tagVersion('v1.02'), null);
    assert.equal(tagVersion('2024.1.15')?.version, '2024.1.15');
  });
  it('read what follows a dash as a pre-release, below the release', () => {
    assert.deepEqual(tagVersion('1.28-alpine')?.prerelease, ['alpine']);
  });
});

describe('semver ranges', () => {
  it('select what the range holds, in npm syntax', () => {
    assert.deepEqual(select('>=1.27 <1.30', TAGS), ['v1.27.0', '1.27', 'v1.28.1', 'v1.29.2']);
    assert.deepEqual(select('^1.28', TAGS), ['v1.28.1', 'v1.29.2', '1.30.0']);
    assert.deepEqual(select('~1.27.0 || 2.x', TAGS), ['v1.27.0', '1.27', '2']);
  });
  it('leave pre-releases out unless asked', () => {
    assert.deepEqual(select('>=1.29.0-rc.0 <1.30', TAGS), ['v1.29.2']);
    assert.deepEqual(select('>=1.28 <1.30', TAGS, true), ['v1.28.1', '1.29.0-rc.1', 'v1.29.2', '1.28-alpine']);
  });
  it('refuse what is not a range', () => {
    assert.match(semverRangeProblem('not a range') ?? '', /not a semver range/);
    assert.match(semverRangeProblem(' ') ?? '', /1 to 256/);
    assert.equal(semverRangeProblem('>=1.27 <1.30'), undefined);
  });
  it('rank the newest version first and tags without a version after every version, leaving ties at 0', () => {
    const tags = ['latest', '1.2', 'v1.10.0', '1.9.9', 'edge', '1.10.0-rc.1', '1.28', 'v1.28.0'];
    const rank = byNewestVersion(tags);
    assert.deepEqual([...tags].sort(rank), ['1.28', 'v1.28.0', 'v1.10.0', '1.10.0-rc.1', '1.9.9', '1.2', 'latest', 'edge']);
    assert.equal(rank('1.28', 'v1.28.0'), 0, 'one version');
    assert.equal(rank('latest', 'edge'), 0, 'no version');
    assert.ok(byNewestVersion(['2024.01.15', '0.0.1'])('2024.01.15', '0.0.1') > 0, 'a date with leading zeros ranks after every version');
  });
});
