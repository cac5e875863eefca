import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_REPOSITORY_NAME_TEMPLATE, compileRepositoryNameTemplate, repositoryNameTemplateProblem, repositoryPathProblem } from './repository-name-template';

const values = (repository: string, upstreamNamespace = 'acme') => ({ namespace: 'org', upstreamNamespace, repository });
const render = (template: string, repository: string, upstreamNamespace?: string) => compileRepositoryNameTemplate(template)(values(repository, upstreamNamespace));

describe('a repository-name template', () => {
  it("by default keeps the upstream path in the organization, as Quay's organization mirroring does", () => {
    assert.deepEqual(render(DEFAULT_REPOSITORY_NAME_TEMPLATE, 'app'), { name: 'org/app' });
    assert.deepEqual(render(DEFAULT_REPOSITORY_NAME_TEMPLATE, 'team/app'), { name: 'org/team-app' }, 'a Ferry repository is one component under its organization');
  });
  it('renders every token', () => {
    assert.deepEqual(render('{namespace}/{upstream_namespace}-{flat_repository}', 'team/app'), { name: 'org/acme-team-app' });
    assert.deepEqual(render('{namespace}/{name}', 'team/sub/app'), { name: 'org/app' });
    assert.deepEqual(render('mirrors/{upstream_namespace}/{repository}', 'app', 'org/team'), { name: 'mirrors/org/team/app' });
  });
  it('flattens a nested path into one component for a namespace/name target', () => {
    assert.deepEqual(render('{namespace}/{flat_repository}', 'team/sub/app'), { name: 'org/team-sub-app' });
  });
  it('names the problem, and the repository, when a rendered name is too long', () => {
    const result = render('{namespace}/{repository}', `${'a'.repeat(200)}/${'b'.repeat(60)}`);
    assert.ok('problem' in result);
    assert.match(result.problem, /1 to 255 characters/);
  });
  it('names the problem when an empty upstream namespace (a whole registry) leaves a leading /', () => {
    const result = render('{namespace}/{upstream_namespace}/{repository}', 'app', '');
    assert.ok('problem' in result && /org\/\/app/.test(result.problem) && /the registry/.test(result.problem), JSON.stringify(result));
  });
  it('never lowercases: a capital in an upstream name is a problem, not a silent rename', () => {
    assert.ok('problem' in render('{namespace}/{repository}', 'App'));
  });
});

describe('templates that are refused', () => {
  const refused: Array<[string, RegExp]> = [
    ['', /1 to 255/],
    ['{namespace}/{repo}', /unknown token \{repo\}.*\{repository\}/],
    ['{namespace}/{repository', /unmatched "\{"/],
    ['{namespace}}/{repository}', /unmatched "\}"/],
    ['{namespace}/latest', /must use \{repository\}/],
    ['{namespace}/Mirror-{name}', /"\/Mirror-"/],
    ['{namespace}/{name}:v1', /outside its tokens/],
    ['/{repository}', /renders "\/team\/app"/],
    ['{namespace}//{repository}', /renders "org\/\/team\/app"/],
    ['{namespace}/-{name}', /renders "org\/-app"/],
  ];
  for (const [template, why] of refused) {
    it(`refuses ${JSON.stringify(template)}`, () => {
      assert.match(repositoryNameTemplateProblem(template) ?? '', why);
      assert.throws(() => compileRepositoryNameTemplate(template));
    });
  }
  it('accepts the usual ones', () => {
    for (const template of [DEFAULT_REPOSITORY_NAME_TEMPLATE, '{namespace}/{name}', '{namespace}/{flat_repository}', '{namespace}/mirror.{upstream_namespace}_{flat_repository}']) {
      assert.equal(repositoryNameTemplateProblem(template), undefined, template);
    }
  });
});

describe('a repository path', () => {
  it('is lowercase components joined by /', () => {
    assert.equal(repositoryPathProblem('org/team/app_1.2-x'), undefined);
    for (const bad of ['Org/app', 'org/', '/app', 'org//app', 'org/app-', 'a'.repeat(256), 'org/a b']) assert.ok(repositoryPathProblem(bad), bad);
  });
});
