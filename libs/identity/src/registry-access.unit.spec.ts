import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SCOPES, type Role } from '@ferry/contracts';
import type { Caller } from './access';
import { grantedCatalogActions, grantedRepositoryActions, parseRegistryScope, type RegistryRepositoryFacts } from './registry-access';

const user = (superuser = false): Caller => ({ kind: 'user', username: 'alice', superuser, scopes: SCOPES, tokenId: null });
const robot: Caller = { kind: 'robot', username: 'acme+mirrorbot', namespace: 'acme' };
const facts = (state: RegistryRepositoryFacts['state'], role: Role | null, extra: Partial<RegistryRepositoryFacts> = {}): RegistryRepositoryFacts => ({
  state,
  visibility: 'private',
  mirrorRobot: 'acme+mirrorbot',
  role,
  ...extra,
});
const ALL = ['pull', 'push', 'delete'];

describe('what the registry token service grants', () => {
  it('parses scopes, keeping a resource class with its type and names with colons', () => {
    assert.deepEqual(parseRegistryScope('repository:acme/etcd:pull,push'), { type: 'repository', name: 'acme/etcd', actions: ['pull', 'push'] });
    assert.deepEqual(parseRegistryScope('repository(plugin):a/b:pull'), { type: 'repository(plugin)', name: 'a/b', actions: ['pull'] });
    assert.deepEqual(parseRegistryScope('registry:catalog:*'), { type: 'registry', name: 'catalog', actions: ['*'] });
    for (const bad of ['', 'repository', 'repository:acme/etcd', ':a:pull']) assert.equal(parseRegistryScope(bad), null, bad);
  });

  it('gives pull for read, push and delete for write, on a NORMAL repository', () => {
    assert.deepEqual(grantedRepositoryActions(user(), facts('NORMAL', 'read'), ALL), ['pull']);
    assert.deepEqual(grantedRepositoryActions(user(), facts('NORMAL', 'write'), ALL), ALL);
    assert.deepEqual(grantedRepositoryActions(user(), facts('NORMAL', null), ALL), []);
    assert.deepEqual(grantedRepositoryActions(user(), facts('NORMAL', 'admin'), ['*', 'pull']), ['pull'], 'unknown actions are refused');
  });

  it('lets only the mirror\'s robot push into a MIRROR repository: not an admin, not a superuser, not another robot', () => {
    assert.deepEqual(grantedRepositoryActions(robot, facts('MIRROR', 'write'), ALL), ALL);
    assert.deepEqual(grantedRepositoryActions(user(true), facts('MIRROR', 'admin'), ALL), ['pull']);
    assert.deepEqual(grantedRepositoryActions({ ...robot, username: 'acme+other' }, facts('MIRROR', 'write'), ALL), ['pull']);
    assert.deepEqual(grantedRepositoryActions(robot, facts('MIRROR', 'read'), ALL), ['pull'], 'the robot still needs write');
  });

  it("lets only the organization mirror's robot write into an ORG_MIRROR repository, with no grant of its own; others as on a MIRROR one", () => {
    assert.deepEqual(grantedRepositoryActions(robot, facts('ORG_MIRROR', null), ALL), ALL, "the organization mirror's settings are its grant");
    assert.deepEqual(grantedRepositoryActions(user(true), facts('ORG_MIRROR', 'admin'), ALL), ['pull']);
    assert.deepEqual(grantedRepositoryActions({ ...robot, username: 'acme+other' }, facts('ORG_MIRROR', 'write'), ALL), ['pull']);
    assert.deepEqual(grantedRepositoryActions(null, facts('ORG_MIRROR', null), ALL), []);
  });

  it('lets nobody write into READ_ONLY, and gives nothing on a repository Ferry does not know', () => {
    assert.deepEqual(grantedRepositoryActions(user(true), facts('READ_ONLY', 'admin'), ALL), ['pull']);
    assert.deepEqual(grantedRepositoryActions(robot, facts('READ_ONLY', 'write'), ALL), ['pull']);
    assert.deepEqual(grantedRepositoryActions(user(true), facts(null, 'admin'), ALL), []);
  });

  it('lets anonymous callers pull public repositories only', () => {
    assert.deepEqual(grantedRepositoryActions(null, facts('NORMAL', null, { visibility: 'public' }), ALL), ['pull']);
    assert.deepEqual(grantedRepositoryActions(null, facts('MIRROR', null), ALL), []);
  });

  it('gives the catalog to superusers acting as one', () => {
    assert.deepEqual(grantedCatalogActions(user(true), ['*']), ['*']);
    assert.deepEqual(grantedCatalogActions(user(false), ['*']), []);
    assert.deepEqual(grantedCatalogActions({ ...user(true), scopes: ['repo:read'] } as Caller, ['*']), []);
    assert.deepEqual(grantedCatalogActions(null, ['*']), []);
  });
});
