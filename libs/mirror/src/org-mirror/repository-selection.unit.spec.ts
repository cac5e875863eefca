import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { repositorySelection } from './repository-selection';

const settings = {
  organization: 'acme',
  externalNamespace: 'team',
  repositoryFilters: [] as string[],
  include: [] as Array<{ kind: 'glob' | 'regex'; pattern: string }>,
  exclude: [] as Array<{ kind: 'glob' | 'regex'; pattern: string }>,
  repositoryNameTemplate: '{namespace}/{repository}',
};

describe("an organization mirror's selection of a listed page", () => {
  it('takes what Ferry\'s include selects and its exclude does not, in listing order, named in the organization', () => {
    const select = repositorySelection({ ...settings, include: [{ kind: 'glob', pattern: 'app-*' }, { kind: 'regex', pattern: 'svc-[0-9]+' }], exclude: [{ kind: 'glob', pattern: '*-old' }] });
    assert.deepEqual(select(['lib', 'app-a', 'svc-1', 'app-b-old', 'svc-x']), [
      { upstream: 'app-a', repository: 'app-a' },
      { upstream: 'svc-1', repository: 'svc-1' },
    ]);
  });

  it("applies Quay's repository_filters as well (both must select)", () => {
    const select = repositorySelection({ ...settings, repositoryFilters: ['app-*'], exclude: [{ kind: 'glob', pattern: 'app-b' }] });
    assert.deepEqual(select(['app-a', 'app-b', 'web']).map((s) => s.upstream), ['app-a']);
  });

  it('names a nested upstream path by the template, and refuses a name that is not one repository of the organization', () => {
    assert.deepEqual(repositorySelection({ ...settings, repositoryNameTemplate: '{namespace}/{flat_repository}' })(['x/app']), [{ upstream: 'x/app', repository: 'x-app' }]);
    const [nested] = repositorySelection(settings)(['x/app']);
    assert.ok(nested && 'problem' in nested && /not a repository of organization acme/.test(nested.problem), JSON.stringify(nested));
    const [elsewhere] = repositorySelection({ ...settings, repositoryNameTemplate: '{upstream_namespace}/{name}' })(['app']);
    assert.ok(elsewhere && 'problem' in elsewhere && elsewhere.problem.includes('"team/app"'), JSON.stringify(elsewhere));
  });
});
