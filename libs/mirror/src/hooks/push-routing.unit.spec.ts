import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TagRule } from '@ferry/contracts';
import { pathUnderNamespace, routeMirrorPush, routeOrgMirrorPush } from './push-routing';

const rule = (patterns: string[]): TagRule => ({ include: [{ kind: 'glob', patterns }], exclude: [] });
const mirror = (externalReference: string, tagRule = rule(['v*', 'latest']), isEnabled = true) => ({ mirrorId: 'ns/app', config: { externalReference, tagRule, isEnabled } });

describe('a push to a repository mirror', () => {
  it('runs the pushed tags the rule selects', () => {
    assert.deepEqual(routeMirrorPush({ repository: 'library/app', tags: ['v1', 'nightly'], kind: 'push' }, mirror('127.0.0.1:5000/library/app')), {
      outcome: 'run',
      mirrorId: 'ns/app',
      tags: ['v1'],
      detail: 'run of v1',
    });
  });
  it('runs nothing when the rule selects none of them', () => {
    assert.equal(routeMirrorPush({ repository: 'library/app', tags: ['nightly'], kind: 'push' }, mirror('127.0.0.1:5000/library/app')).outcome, 'ignored');
  });
  it('lets every pushed tag through keep_newest, which only the run can judge', () => {
    const newest: TagRule = { include: [{ kind: 'glob', patterns: ['v*'] }], exclude: [{ kind: 'glob', patterns: ['v0*'] }], keepNewest: { count: 1, by: 'first-seen' } };
    assert.deepEqual((routeMirrorPush({ repository: 'app', tags: ['v2', 'v0.9'], kind: 'push' }, mirror('docker.io/library/app', newest)) as { tags: string[] }).tags, ['v2']);
  });
  it("matches Docker Hub's library/ names either way, and no other repository", () => {
    assert.equal(routeMirrorPush({ repository: 'app', tags: ['v1'], kind: 'push' }, mirror('docker.io/library/app')).outcome, 'run');
    assert.equal(routeMirrorPush({ repository: 'other/app', tags: ['v1'], kind: 'push' }, mirror('docker.io/library/app')).outcome, 'ignored');
  });
  it('runs nothing for a disabled mirror or a delivery that pushed no tag', () => {
    assert.equal(routeMirrorPush({ repository: 'library/app', tags: ['v1'], kind: 'push' }, mirror('h/library/app', rule(['*']), false)).outcome, 'ignored');
    assert.equal(routeMirrorPush({ repository: 'library/app', tags: [], kind: 'other' }, mirror('h/library/app')).outcome, 'ignored');
  });
});

describe('a push to an organization mirror', () => {
  const org = { organization: 'mirrored', externalNamespace: 'team', isEnabled: true };
  it('finds the path under its upstream namespace', () => {
    assert.equal(pathUnderNamespace('team/app', 'team'), 'app');
    assert.equal(pathUnderNamespace('team/sub/app', 'team'), 'sub/app');
    assert.equal(pathUnderNamespace('teammate/app', 'team'), null);
    assert.equal(pathUnderNamespace('any/app', ''), 'any/app');
  });
  it('runs a repository it already mirrors', () => {
    const child = { mirrorId: 'mirrored/app', config: { externalReference: 'h/team/app', tagRule: rule(['*']), isEnabled: true } };
    assert.deepEqual(routeOrgMirrorPush({ repository: 'team/app', tags: ['v1'], kind: 'push' }, org, child), { outcome: 'run', mirrorId: 'mirrored/app', tags: ['v1'], detail: 'run of v1' });
  });
  it('discovers a new repository, but not on a delivery that pushed nothing', () => {
    assert.equal(routeOrgMirrorPush({ repository: 'team/new', tags: ['v1'], kind: 'push' }, org, null).outcome, 'discovery');
    assert.equal(routeOrgMirrorPush({ repository: 'team/new', tags: [], kind: 'other' }, org, null).outcome, 'ignored');
  });
  it('ignores a repository outside its namespace, and everything while disabled', () => {
    assert.equal(routeOrgMirrorPush({ repository: 'elsewhere/app', tags: ['v1'], kind: 'push' }, org, null).outcome, 'ignored');
    assert.equal(routeOrgMirrorPush({ repository: 'team/new', tags: ['v1'], kind: 'push' }, { ...org, isEnabled: false }, null).outcome, 'ignored');
  });
});
