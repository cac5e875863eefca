import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { globTagRule, type TagRule } from '@ferry/contracts';
import { normalizeTagPatterns } from './glob';
import { compileTagRule, isQuayRule, newestFirst, quayRootRule, readTagRule, selectTagsByRule, TAG_SELECTOR_KINDS, tagRuleProblems, tagRuleView, withGlobPatterns } from './tag-rule';
import { QUAY_EXAMPLES, QUAY_TAGS } from './quay-examples.fixtures';

const TAGS = ['latest', 'v1.26.0', 'v1.27.0', 'v1.27.1-rc.1', 'v1.27.1', 'v1.28.0', 'v1.28.0-alpine', 'v1.29.0', 'nightly-2026-01-01', 'v1.30.0'];

describe('Quay\'s documented examples keep their meaning as a glob rule', () => {
  for (const [pattern, expected] of QUAY_EXAMPLES) {
    it(`${pattern} selects ${expected.join(', ')}`, () => {
      const rule = globTagRule(normalizeTagPatterns([pattern]));
      assert.deepEqual(tagRuleProblems(rule), []);
      assert.deepEqual(selectTagsByRule(QUAY_TAGS, rule), expected);
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
  it('keep newest N ranks tags without a version below every version, the higher tag name first', () => {
    const r = rule({ include: [{ kind: 'glob', patterns: ['*'] }], keepNewest: { count: 9, by: 'semver' } });
    assert.deepEqual(selectTagsByRule(TAGS, r), TAGS.filter((t) => t !== 'latest'));
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

describe('keep newest N, whatever order the registry lists the tags in', () => {
  const keep = (tags: string[], count: number, by: 'semver' | 'first-seen' = 'semver', firstSeen?: (tag: string) => string | undefined) =>
    compileTagRule({ include: [{ kind: 'glob', patterns: ['*'] }], exclude: [], keepNewest: { count, by } }, firstSeen ? { firstSeen } : {})(tags);
  const reversed = (tags: string[]) => [...tags].reverse();

  it('breaks a tie between tags of one version (1.28, v1.28.0) by the higher tag name', () => {
    const tags = ['1.27', '1.28', 'v1.28.0', '1.28.0'];
    assert.deepEqual(keep(tags, 1), ['v1.28.0']);
    assert.deepEqual(keep(reversed(tags), 1), ['v1.28.0']);
    assert.deepEqual(newestFirst(tags, 'semver'), ['v1.28.0', '1.28.0', '1.28', '1.27']);
  });
  it('ranks tags that name no version (2024.01.15, latest) after every version, by the higher tag name', () => {
    const tags = ['latest', '2024.01.15', '0.1', 'edge', '2024.02.01'];
    assert.deepEqual(newestFirst(tags, 'semver'), ['0.1', 'latest', 'edge', '2024.02.01', '2024.01.15']);
    assert.deepEqual(keep(tags, 3), ['latest', '0.1', 'edge']);
    assert.deepEqual(keep(reversed(tags), 3), ['edge', '0.1', 'latest']);
  });
  it('breaks a tie between tags first seen at one time by the higher tag name', () => {
    const tags = ['a', 'b', 'c', 'd'];
    const firstSeen = (tag: string) => (tag === 'd' ? '2026-01-01T00:00:00Z' : '2026-02-01T00:00:00Z');
    assert.deepEqual(keep(tags, 2, 'first-seen', firstSeen), ['b', 'c']);
    assert.deepEqual(keep(reversed(tags), 2, 'first-seen', firstSeen), ['c', 'b']);
  });
  it('keeps the same tags for every listing order', () => {
    const tags = ['v2', '2.0.0', '2', 'v2.0', '1.9', 'latest', 'stable', 'edge'];
    const kept = (order: string[]) => keep(order, 3).sort();
    for (let shift = 1; shift < tags.length; shift++) assert.deepEqual(kept([...tags.slice(shift), ...tags.slice(0, shift)]), kept(tags), `listing rotated by ${shift}`);
    assert.deepEqual(kept(reversed(tags)), kept(tags));
    assert.deepEqual(kept(tags), ['2.0.0', 'v2', 'v2.0']);
  });
});

describe('the API\'s (snake_case) form of a rule', () => {
  it('is read into a rule and shown back', () => {
    const body = {
      include: [{ kind: 'glob', patterns: ['latest, stable'] }, { kind: 'semver', range: '^1.28', include_prerelease: true }],
      exclude: [{ kind: 'regex', pattern: '.*-alpine' }],
      keep_newest: { count: 2 },
    };
    const rule = readTagRule(body);
    assert.deepEqual(rule, {
      include: [{ kind: 'glob', patterns: ['latest', 'stable'] }, { kind: 'semver', range: '^1.28', includePrerelease: true }],
      exclude: [{ kind: 'regex', pattern: '.*-alpine' }],
      keepNewest: { count: 2, by: 'semver' },
    });
    assert.deepEqual(tagRuleView(rule), { ...body, include: [{ kind: 'glob', patterns: ['latest', 'stable'] }, body.include[1]], keep_newest: { count: 2, by: 'semver' } });
    assert.deepEqual(quayRootRule(rule), { rule_kind: 'tag_glob_csv', rule_value: ['latest', 'stable'] });
    assert.equal(isQuayRule(rule), false);
  });
  it('has its problems named by field, as the API names them', () => {
    const rule: TagRule = {
      include: [{ kind: 'regex', pattern: '(a+)+$' }, { kind: 'glob', patterns: [']'] }, { kind: 'semver', range: '^2' }],
      exclude: [{ kind: 'semver', range: 'not a range' }],
      keepNewest: { count: 0, by: 'semver' },
    };
    assert.deepEqual(tagRuleProblems(rule).map((p) => p.field), ['tag_rule.include[0].pattern', 'tag_rule.include[1].patterns', 'tag_rule.exclude[0].range', 'tag_rule.keep_newest.count']);
    assert.deepEqual(tagRuleProblems({ include: [], exclude: [] }, 'rule'), [{ field: 'rule.include', message: 'must hold at least one selector' }]);
    assert.deepEqual(tagRuleProblems(globTagRule(['v3.*'])), []);
  });
  it('has a kind table the reader, the checks and the compiler all use', () => {
    assert.deepEqual(Object.keys(TAG_SELECTOR_KINDS).sort(), ['glob', 'regex', 'semver']);
  });
  it('a root_rule changes only the globs of a richer rule', () => {
    const rule: TagRule = { include: [{ kind: 'semver', range: '^2' }], exclude: [{ kind: 'glob', patterns: ['*-rc*'] }] };
    assert.deepEqual(withGlobPatterns(rule, ['latest']).include, [{ kind: 'glob', patterns: ['latest'] }, { kind: 'semver', range: '^2' }]);
    assert.deepEqual(withGlobPatterns(globTagRule(['a']), ['b']), globTagRule(['b']));
  });
});
