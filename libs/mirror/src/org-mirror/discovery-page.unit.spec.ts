import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { globTagRule, type MirrorConfig, type OrgMirrorConfig, type OrgMirrorRepository } from '@ferry/contracts';
import { childMirrorConfig } from './child-mirror';
import { childMirrorUpdate, isStoppedChild } from './child-rollout';
import { planDiscoveryPage } from './discovery-page';
import type { RepositorySelection } from './repository-selection';
import { testOrgMirrorConfig } from '@ferry/testing';

const known = (repository: string, upstream = repository, vanishedAt: string | null = null): OrgMirrorRepository => ({ repository, upstream, discoveredAt: '2026-01-01T00:00:00.000Z', vanishedAt });
const state = (...repositories: OrgMirrorRepository[]) => ({ repositories: Object.fromEntries(repositories.map((r) => [r.repository, r])) });
/** Selects names under `apps/`, named without it: a template that flattens `team/x` and `team-x` onto one name, and has no name for `apps/BAD`. */
const select = (names: readonly string[]): RepositorySelection[] =>
  names.flatMap((upstream): RepositorySelection[] => {
    if (!upstream.startsWith('apps/')) return [];
    return upstream === 'apps/BAD' ? [{ upstream, problem: 'renders no repository name' }] : [{ upstream, repository: upstream.slice(5).replaceAll('/', '-') }];
  });

describe('planning a listed page', () => {
  it('sets up what the filters select and no discovery set up before, and counts every name listed', () => {
    const plan = planDiscoveryPage(['apps/a', 'lib/x', 'apps/b', 'apps/c'], state(known('b', 'apps/b')), select);
    assert.equal(plan.listed, 4);
    assert.deepEqual(plan.selected.map((s) => s.repository), ['a', 'b', 'c']);
    assert.deepEqual(plan.setUp, [{ repository: 'a', upstream: 'apps/a' }, { repository: 'c', upstream: 'apps/c' }]);
    assert.deepEqual([plan.reappeared, plan.failed], [[], []]);
  });

  it('brings back a repository listed again after it vanished', () => {
    const plan = planDiscoveryPage(['apps/b'], state(known('b', 'apps/b', '2026-01-02T00:00:00.000Z')), select);
    assert.deepEqual(plan.reappeared, [{ repository: 'b', upstream: 'apps/b' }]);
    assert.deepEqual(plan.setUp, []);
  });

  it("refuses an upstream name whose target is another upstream repository's, on the page or before it", () => {
    const plan = planDiscoveryPage(['apps/team/x', 'apps/team-x', 'apps/y'], state(known('y', 'other/y')), select);
    assert.deepEqual(plan.selected, [{ repository: 'team-x', upstream: 'apps/team/x' }]);
    assert.deepEqual(
      plan.failed.map((f) => f.repository),
      ['team-x', 'y'],
    );
    assert.match(plan.failed[0]!.message, /apps\/team-x maps to team-x, which mirrors upstream apps\/team\/x already/);
  });

  it('refuses a selected name that has no target name, naming it by its upstream name', () => {
    const plan = planDiscoveryPage(['apps/BAD', 'apps/ok'], state(), select);
    assert.deepEqual(plan.failed, [{ repository: 'apps/BAD', message: 'renders no repository name' }]);
    assert.deepEqual(plan.setUp, [{ repository: 'ok', upstream: 'apps/ok' }]);
  });

  it('sets up a name the listing shows twice once', () => {
    const plan = planDiscoveryPage(['apps/a', 'apps/a'], state(), select);
    assert.deepEqual(plan.setUp, [{ repository: 'a', upstream: 'apps/a' }]);
    assert.equal(plan.listed, 2);
  });
});

const org: OrgMirrorConfig = testOrgMirrorConfig({ repositoryNameTemplate: '{repository}' });

describe("rolling the organization's settings out to a discovered repository", () => {
  const current: MirrorConfig = childMirrorConfig(org, { repository: 'app', upstream: 'app', syncStartDate: '2026-01-05T10:00:00.000Z' });

  it('writes nothing when the mirror has the settings already (a redelivered change is a no-op)', () => {
    assert.equal(childMirrorUpdate(org, { repository: 'app', upstream: 'app', stopped: false }, JSON.parse(JSON.stringify(current)) as MirrorConfig), null);
  });

  it("changes what the organization changed and keeps the repository's own schedule anchor", () => {
    const changed = childMirrorUpdate({ ...org, tagRule: globTagRule(['1.*']), syncInterval: 60, syncStartDate: '2026-03-01T00:00:00.000Z' }, { repository: 'app', upstream: 'app', stopped: false }, current);
    assert.deepEqual(changed?.tagRule, globTagRule(['1.*']));
    assert.equal(changed?.syncInterval, 60);
    assert.equal(changed?.syncStartDate, '2026-01-05T10:00:00.000Z');
  });

  it('keeps a repository gone upstream stopped under report, and not under keep', () => {
    const gone = known('app', 'app', '2026-01-06T00:00:00.000Z');
    assert.equal(isStoppedChild(org, gone), true);
    assert.equal(isStoppedChild({ vanished: { action: 'keep', maxDelete: null } }, gone), false);
    assert.equal(isStoppedChild(org, known('app')), false);
    assert.equal(childMirrorUpdate(org, { repository: 'app', upstream: 'app', stopped: isStoppedChild(org, gone) }, current)?.isEnabled, false);
  });

  it('disables every repository when the organization mirror is disabled', () => {
    assert.equal(childMirrorUpdate({ ...org, isEnabled: false }, { repository: 'app', upstream: 'app', stopped: false }, current)?.isEnabled, false);
  });
});
