import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SCOPES, type Scope } from '@ferry/contracts';
import { allows, hasScope, repositoryRole, requires, scopesProblem, type Caller, type Grants } from './access';

const none: Grants = { organization: null, repository: null };
const user = (scopes: readonly Scope[] = SCOPES, superuser = false): Caller => ({ kind: 'user', username: 'alice', superuser, scopes, tokenId: null });
const robot: Caller = { kind: 'robot', username: 'acme+syncer', namespace: 'acme' };
const repo = { namespace: 'acme', repository: 'etcd' };

describe('access rules', () => {
  it('lets nobody through but public routes without a caller', () => {
    assert.equal(allows(requires.public(), null, {}, none), true);
    for (const r of [requires.signedIn('user:read'), requires.repository('read'), requires.organization('read'), requires.createRepository(), requires.self('user:read'), requires.superuser()]) {
      assert.equal(allows(r, null, repo, none), false, r.kind);
    }
  });

  it('orders roles read < write < admin, from the stronger of the organization and repository grants', () => {
    const readOnRepo = { organization: null, repository: 'read' } as const;
    assert.equal(allows(requires.repository('read'), user(), repo, readOnRepo), true);
    assert.equal(allows(requires.repository('write'), user(), repo, readOnRepo), false);
    assert.equal(allows(requires.repository('admin'), user(), repo, { organization: 'admin', repository: 'read' }), true);
    assert.equal(allows(requires.repository('read'), user(), repo, none), false);
  });

  it('caps what a token may do by its scopes: a token never grants more than its user has, nor more than it says', () => {
    const admin = { organization: 'admin', repository: null } as const;
    assert.equal(repositoryRole(user(['repo:read']), repo, admin), 'read');
    assert.equal(repositoryRole(user(['repo:write']), repo, admin), 'write');
    assert.equal(repositoryRole(user(['repo:admin']), repo, { organization: null, repository: 'write' }), 'write');
    assert.equal(repositoryRole(user(['user:read']), repo, admin), null);
    assert.equal(allows(requires.organization('admin'), user(['repo:admin']), repo, admin), false);
    assert.equal(allows(requires.organization('admin'), user(['org:admin']), repo, admin), true);
    assert.equal(allows(requires.organization('read'), user(['repo:read']), repo, admin), true);
  });

  it('implies scopes the way Quay does: repo:admin includes write and read; user:admin includes user:read', () => {
    assert.equal(hasScope(['repo:admin'], 'repo:read'), true);
    assert.equal(hasScope(['repo:write'], 'repo:admin'), false);
    assert.equal(hasScope(['user:admin'], 'user:read'), true);
    assert.equal(hasScope(['org:admin'], 'repo:read'), false);
  });

  it('makes a superuser an admin everywhere only with super:user', () => {
    assert.equal(allows(requires.repository('admin'), user(SCOPES, true), repo, none), true);
    assert.equal(allows(requires.superuser(), user(SCOPES, true), repo, none), true);
    const withoutSuper = SCOPES.filter((s) => s !== 'super:user');
    assert.equal(allows(requires.repository('read'), user(withoutSuper, true), repo, none), false);
    assert.equal(allows(requires.superuser(), user(withoutSuper, true), repo, none), false);
    assert.equal(allows(requires.superuser(), user(SCOPES, false), repo, none), false);
  });

  it('gives a user admin on the namespace named after them', () => {
    assert.equal(allows(requires.repository('admin'), user(), { namespace: 'alice', repository: 'x' }, none), true);
    assert.equal(allows(requires.createRepository(), user(), { namespace: 'alice' }, none), true);
  });

  it('lets users create repositories with write on the organization and repo:create', () => {
    assert.equal(allows(requires.createRepository(), user(), { namespace: 'acme' }, { organization: 'write', repository: null }), true);
    assert.equal(allows(requires.createRepository(), user(), { namespace: 'acme' }, { organization: 'read', repository: null }), false);
    assert.equal(allows(requires.createRepository(), user(['repo:admin', 'org:admin']), { namespace: 'acme' }, { organization: 'admin', repository: null }), false);
  });

  it('keeps a user\'s own things to that user, superusers included', () => {
    assert.equal(allows(requires.self('user:read'), user(), { username: 'alice' }, none), true);
    assert.equal(allows(requires.self('user:read'), user(SCOPES, true), { username: 'bob' }, none), false);
    assert.equal(allows(requires.self('user:read'), user(['repo:read']), { username: 'alice' }, none), false);
  });

  it('gives robots their grants on repositories and nothing on organizations or users', () => {
    assert.equal(allows(requires.repository('write'), robot, repo, { organization: null, repository: 'write' }), true);
    assert.equal(allows(requires.repository('admin'), robot, repo, { organization: null, repository: 'write' }), false);
    assert.equal(allows(requires.organization('read'), robot, repo, { organization: 'admin', repository: null }), false);
    assert.equal(allows(requires.signedIn('user:read'), robot, {}, none), false);
    assert.equal(allows(requires.createRepository(), robot, { namespace: 'acme' }, { organization: 'admin', repository: null }), false);
  });

  it('names unknown scopes', () => {
    assert.equal(scopesProblem(['repo:read']), undefined);
    assert.match(scopesProblem(['repo:read', 'root'])!, /"root"/);
    assert.ok(scopesProblem([]));
    assert.ok(scopesProblem('repo:read'));
  });
});
