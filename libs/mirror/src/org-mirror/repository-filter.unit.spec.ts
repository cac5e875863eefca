import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileRepositoryFilter, repositoryFilterFromQuay, repositoryFilterProblems, repositoryPatternProblem, type RepositoryFilter, type RepositoryPattern } from './repository-filter';

const PAGE = ['app', 'app-cli', 'base', 'debian', 'debian-slim', 'team/app', 'team/db', 'team/sub/tool', 'ubuntu', 'x'];
const glob = (pattern: string): RepositoryPattern => ({ kind: 'glob', pattern });
const regex = (pattern: string): RepositoryPattern => ({ kind: 'regex', pattern });
const select = (filter: Partial<RepositoryFilter>, paths: readonly string[] = PAGE) => compileRepositoryFilter({ include: [], exclude: [], ...filter })(paths);

describe("Quay's repository_filters", () => {
  it('select every repository when empty', () => {
    assert.deepEqual(select(repositoryFilterFromQuay([])), PAGE);
  });
  it('select the union of their globs, matched against the whole path', () => {
    assert.deepEqual(select(repositoryFilterFromQuay(['ubuntu', 'debian*'])), ['debian', 'debian-slim', 'ubuntu']);
    assert.deepEqual(select(repositoryFilterFromQuay(['app'])), ['app']);
  });
  it("let * cross /, as Python's fnmatch does over team/app", () => {
    assert.deepEqual(select(repositoryFilterFromQuay(['team/*'])), ['team/app', 'team/db', 'team/sub/tool']);
    assert.deepEqual(select(repositoryFilterFromQuay(['*app'])), ['app', 'team/app']);
    assert.deepEqual(select(repositoryFilterFromQuay(['*/db'])), ['team/db']);
  });
  it('read ?, [seq] and [!seq] as fnmatch does, case-sensitively', () => {
    assert.deepEqual(select(repositoryFilterFromQuay(['?'])), ['x']);
    assert.deepEqual(select(repositoryFilterFromQuay(['[ab]*'])), ['app', 'app-cli', 'base']);
    assert.deepEqual(select(repositoryFilterFromQuay(['[!abt]*'])), ['debian', 'debian-slim', 'ubuntu', 'x']);
  });
  it('give no special meaning to what fnmatch lacks: a leading !, a globstar', () => {
    assert.deepEqual(select(repositoryFilterFromQuay(['!app'])), []);
    assert.deepEqual(select(repositoryFilterFromQuay(['team/**'])), ['team/app', 'team/db', 'team/sub/tool']);
  });
});

describe('include and exclude patterns', () => {
  it('exclude wins over include', () => {
    assert.deepEqual(select({ include: [glob('team/*')], exclude: [glob('*/sub/*')] }), ['team/app', 'team/db']);
  });
  it('exclude alone keeps every other repository', () => {
    assert.deepEqual(select({ exclude: [glob('team/*'), regex('debian.*')] }), ['app', 'app-cli', 'base', 'ubuntu', 'x']);
  });
  it('take regular expressions that must match the whole path', () => {
    assert.deepEqual(select({ include: [regex('app')] }), ['app']);
    assert.deepEqual(select({ include: [regex('team/[^/]+')] }), ['team/app', 'team/db']);
    assert.deepEqual(select({ include: [regex('(debian|ubuntu)(-.+)?')] }), ['debian', 'debian-slim', 'ubuntu']);
  });
  it('mix globs and regular expressions, keeping the listing order', () => {
    assert.deepEqual(select({ include: [regex('x'), glob('base')] }), ['base', 'x']);
  });
  it('select nothing from an empty page', () => {
    assert.deepEqual(select({ include: [glob('*')] }, []), []);
  });
});

describe('patterns that are refused', () => {
  it('a regex that could backtrack catastrophically, as the tag rules refuse it', () => {
    assert.match(repositoryPatternProblem(regex('(a+)+$')) ?? '', /nested quantifiers/);
    assert.match(repositoryPatternProblem(regex('(a|aa)*')) ?? '', /alternation/);
    assert.match(repositoryPatternProblem(regex('(')) ?? '', /not a regular expression/);
    assert.throws(() => compileRepositoryFilter({ include: [regex('(a+)+')], exclude: [] }));
  });
  it('a glob with capitals, which can never match a repository name', () => {
    assert.match(repositoryPatternProblem(glob('App*')) ?? '', /capital/);
  });
  it('a glob with characters no repository path holds, or an unclosed set', () => {
    for (const bad of ['app ', 'a\\b', '{a,b}x', '']) assert.ok(repositoryPatternProblem(glob(bad)), bad);
    assert.match(repositoryPatternProblem(glob('[ab')) ?? '', /cannot be compiled/);
    assert.throws(() => compileRepositoryFilter({ include: [glob('[ab')], exclude: [] }));
  });
  it('are named by their list and index', () => {
    const problems = repositoryFilterProblems({ include: [glob('ok*'), glob('Bad')], exclude: [regex('(a*)*')] });
    assert.deepEqual(problems.map((p) => p.field), ['include[1]', 'exclude[0]']);
    assert.match(problems[0]!.message, /^glob "Bad" /);
  });
  it('too many patterns in a list', () => {
    const many = Array.from({ length: 101 }, (_, i) => glob(`r${i}`));
    assert.deepEqual(repositoryFilterProblems({ include: many, exclude: [] }).map((p) => p.field), ['include']);
  });
  it('nothing in a sound filter', () => {
    assert.deepEqual(repositoryFilterProblems({ include: [glob('team/*'), regex('app(-cli)?')], exclude: [glob('[!a]*')] }), []);
  });
});
