import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { globTagRule, type TagRule } from '@ferry/contracts';
import type { FieldProblem } from './selector-kind';
import { compileTagRule, isQuayRule, parseRootRule, parseTagRule, quayRootRule, selectTagsByRule, TAG_SELECTOR_KINDS, tagRuleView, withGlobPatterns } from './tag-rule';
import { QUAY_EXAMPLES, QUAY_TAGS } from './quay-examples.fixtures';

const TAGS = ['latest', 'v1.26.0', 'v1.27.0', 'v1.27.1-rc.1', 'v1.27.1', 'v1.28.0', 'v1.28.0-alpine', 'v1.29.0', 'nightly-2026-01-01', 'v1.30.0'];

describe('Quay\'s documented examples keep their meaning as a glob rule', () => {
  for (const [pattern, expected] of QUAY_EXAMPLES) {
    it(`${pattern} selects ${expected.join(', ')}`, () => {
      const problems: FieldProblem[] = [];
      const patterns = parseRootRule({ rule_kind: 'tag_glob_csv', rule_value: [pattern] }, problems);
      assert.deepEqual(problems, []);
      assert.deepEqual(selectTagsByRule(QUAY_TAGS, globTagRule(patterns!)), expected);
    });
  }
  it('round-trips through root_rule', () => {
    const rule = globTagRule(['v3.*', 'latest']);
    assert.deepEqual(quayRootRule(rule), { rule_kind: 'tag_glob_csv', rule_value: ['v3.*', 'latest'] });
    assert.equal(isQuayRule(rule), true);
  });
});

describe('rule kinds, alone and combined', () => {
  const rule = (r: Partial<TagRule>): TagRule => ({ include: [], exclude: [], ...r });
  it('a regex alone', () => {
    assert.deepEqual(selectTagsByRule(TAGS, rule({ include: [{ kind: 'regex', pattern: 'v1\\.2[89]\\.\\d+' }] })), ['v1.28.0', 'v1.29.0']);
  });
  it('a semver range alone, pre-releases left out', () => {
    assert.deepEqual(selectTagsByRule(TAGS, rule({ include: [{ kind: 'semver', range: '>=1.27 <1.30' }] })), ['v1.27.0', 'v1.27.1', 'v1.28.0', 'v1.29.0']);
  });
  it('includes are a union', () => {
    assert.deepEqual(selectTagsByRule(TAGS, rule({ include: [{ kind: 'glob', patterns: ['latest'] }, { kind: 'semver', range: '^1.29' }] })), ['latest', 'v1.29.0', 'v1.30.0']);
  });
  it('excludes (globs or regex) apply after the includes', () => {
    const r = rule({ include: [{ kind: 'glob', patterns: ['v*'] }], exclude: [{ kind: 'glob', patterns: ['*-rc*'] }, { kind: 'regex', pattern: '.*-alpine' }] });
    assert.deepEqual(selectTagsByRule(TAGS, r), ['v1.26.0', 'v1.27.0', 'v1.27.1', 'v1.28.0', 'v1.29.0', 'v1.30.0']);
  });
  it('an exclude that matches an include leaves nothing of it', () => {
    assert.deepEqual(selectTagsByRule(['a', 'b'], rule({ include: [{ kind: 'glob', patterns: ['a'] }], exclude: [{ kind: 'regex', pattern: 'a' }] })), []);
  });
  it('keep newest N by semver comes last, and answers in listing order', () => {
    const r = rule({ include: [{ kind: 'glob', patterns: ['*'] }], exclude: [{ kind: 'glob', patterns: ['v1.30*'] }], keepNewest: { count: 3, by: 'semver' } });
    assert.deepEqual(selectTagsByRule(TAGS, r), ['v1.28.0', 'v1.28.0-alpine', 'v1.29.0']);
  });
  it('keep newest N ranks tags without a version below every version', () => {
    const r = rule({ include: [{ kind: 'glob', patterns: ['*'] }], keepNewest: { count: 9, by: 'semver' } });
    assert.deepEqual(selectTagsByRule(TAGS, r), TAGS.filter((t) => t !== 'nightly-2026-01-01'));
  });
  it('keep newest N with fewer matches keeps them all', () => {
    const r = rule({ include: [{ kind: 'semver', range: '1.27.x' }], keepNewest: { count: 5, by: 'semver' } });
    assert.deepEqual(selectTagsByRule(TAGS, r), ['v1.27.0', 'v1.27.1']);
  });
  it('keep newest N by first-seen needs when Ferry first saw each tag', () => {
    const r = rule({ include: [{ kind: 'glob', patterns: ['*'] }], keepNewest: { count: 2, by: 'first-seen' } });
    assert.throws(() => compileTagRule(r), /first-seen.*needs the record/);
    const seen: Record<string, string> = { a: '2026-01-01T00:00:00Z', b: '2026-03-01T00:00:00Z', c: '2026-02-01T00:00:00Z' };
    assert.deepEqual(compileTagRule(r, { firstSeen: (t) => seen[t] })(['a', 'b', 'c']), ['b', 'c']);
  });
  it('keep newest N by first-seen counts a tag never seen before as the newest', () => {
    const r = rule({ include: [{ kind: 'glob', patterns: ['*'] }], keepNewest: { count: 2, by: 'first-seen' } });
    const seen: Record<string, string> = { a: '2026-01-01T00:00:00Z', b: '2026-03-01T00:00:00Z', c: '2026-02-01T00:00:00Z' };
    assert.deepEqual(compileTagRule(r, { firstSeen: (t) => seen[t] })(['a', 'b', 'c', 'new']), ['b', 'new']);
  });
});

describe('the API\'s tag_rule', () => {
  it('reads the snake_case form and shows it back', () => {
    const input = {
      include: [{ kind: 'glob', patterns: ['latest, stable'] }, { kind: 'semver', range: '^1.28', include_prerelease: true }],
      exclude: [{ kind: 'regex', pattern: '.*-alpine' }],
      keep_newest: { count: 2, by: 'semver' },
    };
    const problems: FieldProblem[] = [];
    const rule = parseTagRule(input, problems);
    assert.deepEqual(problems, []);
    assert.deepEqual(rule, {
      include: [{ kind: 'glob', patterns: ['latest', 'stable'] }, { kind: 'semver', range: '^1.28', includePrerelease: true }],
      exclude: [{ kind: 'regex', pattern: '.*-alpine' }],
      keepNewest: { count: 2, by: 'semver' },
    });
    assert.deepEqual(tagRuleView(rule!), { ...input, include: [{ kind: 'glob', patterns: ['latest', 'stable'] }, input.include[1]] });
    assert.deepEqual(quayRootRule(rule!), { rule_kind: 'tag_glob_csv', rule_value: ['latest', 'stable'] });
    assert.equal(isQuayRule(rule!), false);
  });
  it('names every problem\'s field', () => {
    const problems: FieldProblem[] = [];
    parseTagRule({ include: [{ kind: 'regex', pattern: '(a+)+$' }, { kind: 'glob', patterns: [']'] }, 'x'], exclude: [{ kind: 'semver', range: 1 }], keep_newest: 3 }, problems);
    assert.deepEqual(problems.map((p) => p.field), ['tag_rule.include[0].pattern', 'tag_rule.include[1].patterns', 'tag_rule.include[2]', 'tag_rule.exclude[0].range', 'tag_rule.keep_newest']);
  });
  it('has a kind table the parser and the compiler both use', () => {
    assert.deepEqual(Object.keys(TAG_SELECTOR_KINDS).sort(), ['glob', 'regex', 'semver']);
  });
  it('a root_rule changes only the globs of a richer rule', () => {
    const rule: TagRule = { include: [{ kind: 'semver', range: '^2' }], exclude: [{ kind: 'glob', patterns: ['*-rc*'] }] };
    assert.deepEqual(withGlobPatterns(rule, ['latest']).include, [{ kind: 'glob', patterns: ['latest'] }, { kind: 'semver', range: '^2' }]);
    assert.deepEqual(withGlobPatterns(globTagRule(['a']), ['b']), globTagRule(['b']));
  });
});
