import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileTagRegex, regexProblem } from './regex';

const select = (pattern: string, tags: string[]) => [...compileTagRegex(pattern)(tags)];

describe('tag regular expressions', () => {
  it('match the whole tag, not a part of it', () => {
    assert.deepEqual(select('v\\d+\\.\\d+', ['v1.2', 'v1.2.3', 'xv1.2', 'v10.0']), ['v1.2', 'v10.0']);
  });
  it('keep an alternation inside the full match', () => {
    assert.deepEqual(select('a|b', ['a', 'b', 'ab', 'xa']), ['a', 'b']);
  });
  it('are case-sensitive', () => {
    assert.deepEqual(select('latest', ['latest', 'LATEST']), ['latest']);
  });
  it('accept the usual tag expressions', () => {
    for (const p of ['^v?\\d+\\.\\d+\\.\\d+$', '\\d+\\.\\d+-alpine', '(alpha|beta|rc)\\d*', '[a-z]+-[0-9a-f]{7,40}', 'v1(\\.\\d)?', '.*-dev']) {
      assert.equal(regexProblem(p), undefined, p);
    }
  });
});

describe('patterns that could backtrack catastrophically are refused', () => {
  const classic: Array<[string, RegExp]> = [
    ['(a+)+$', /nested quantifiers/],
    ['(a*)*', /nested quantifiers/],
    ['(a|aa)+', /alternation/],
    ['(a|a?)+', /nested quantifiers|alternation/],
    ['^(\\w+\\s?)*$', /nested quantifiers/],
    ['(.*a){12}', /nested quantifiers/],
    ['((ab)*)+', /nested quantifiers/],
    ['(?:x+y?)+', /nested quantifiers/],
    ['(a{1,5}){2,}', /nested quantifiers/],
    ['(a)\\1', /backreference/],
    ['(?<n>a)\\k<n>', /backreference/],
    ['v(?=1)\\d', /lookaround/],
    ['v(?!1)\\d', /lookaround/],
    ['(?<=v)1', /lookaround/],
    ['(?<!v)1', /lookaround/],
  ];
  for (const [pattern, why] of classic) {
    it(`refuses ${pattern}`, () => {
      assert.match(regexProblem(pattern) ?? '', why);
      assert.throws(() => compileTagRegex(pattern), why);
    });
  }
  it('refuses what is not a regular expression, or too long', () => {
    assert.match(regexProblem('v(1') ?? '', /not a regular expression/);
    assert.match(regexProblem('[') ?? '', /not a regular expression/);
    assert.match(regexProblem('') ?? '', /1 to 256/);
    assert.match(regexProblem('a'.repeat(257)) ?? '', /1 to 256/);
  });
  it('reads brackets and escapes as atoms, not as groups', () => {
    assert.equal(regexProblem('[(a+)]+'), undefined);
    assert.equal(regexProblem('\\(a+\\)+'), undefined);
  });
  it('allows an optional group that holds a quantifier, which cannot repeat', () => {
    assert.equal(regexProblem('v\\d+(-rc\\d+)?'), undefined);
  });
  it('matches a long listing of adversarial tags quickly', () => {
    const tags = Array.from({ length: 5000 }, (_, i) => `${'a'.repeat(100)}${i}!`);
    const started = Date.now();
    assert.equal(compileTagRegex('a*a*b')(tags).size, 0);
    assert.ok(Date.now() - started < 2000);
  });
});
