import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import type { FieldProblem } from '@ferry/mirror';
import { parseRootRule, parseTagRule, TAG_RULE_BODY } from './tag-rule.input';

describe('the API\'s tag_rule', () => {
  it('reads the snake_case form, keep_newest by semver unless it says otherwise', () => {
    const problems: FieldProblem[] = [];
    const rule = parseTagRule(
      {
        include: [{ kind: 'glob', patterns: ['latest, stable'] }, { kind: 'semver', range: '^1.28', include_prerelease: true }],
        exclude: [{ kind: 'regex', pattern: '.*-alpine' }],
        keep_newest: { count: 2 },
      },
      problems,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(rule, {
      include: [{ kind: 'glob', patterns: ['latest', 'stable'] }, { kind: 'semver', range: '^1.28', includePrerelease: true }],
      exclude: [{ kind: 'regex', pattern: '.*-alpine' }],
      keepNewest: { count: 2, by: 'semver' },
    });
  });
  it('names every problem\'s field, the selectors\' own checks beside the types', () => {
    const problems: FieldProblem[] = [];
    parseTagRule({ include: [{ kind: 'regex', pattern: '(a+)+$' }, { kind: 'glob', patterns: [']'] }, 'x'], exclude: [{ kind: 'semver', range: 1 }], keep_newest: 3 }, problems);
    assert.deepEqual(problems.map((p) => p.field), ['tag_rule.include[0].pattern', 'tag_rule.include[1].patterns', 'tag_rule.include[2]', 'tag_rule.exclude[0].range', 'tag_rule.keep_newest']);
    assert.match(problems[0]!.message, /nested quantifiers/);
    assert.match(problems[1]!.message, /^pattern "\]" /);
  });
  it('refuses a bad range, too many selectors and a count out of bounds', () => {
    const problems: FieldProblem[] = [];
    const tooMany = Array.from({ length: 33 }, () => ({ kind: 'glob', patterns: ['*'] }));
    parseTagRule({ include: [{ kind: 'semver', range: 'not a range' }], exclude: tooMany, keep_newest: { count: 10001 } }, problems);
    assert.deepEqual(problems, [
      { field: 'tag_rule.include[0].range', message: 'is not a semver range (npm syntax, e.g. ">=1.27 <1.30" or "^2")' },
      { field: 'tag_rule.exclude', message: 'must be a list of 0 to 32 selectors' },
      { field: 'tag_rule.keep_newest.count', message: 'must be a whole number from 1 to 10000' },
    ]);
  });
  it('describes how keep_newest ranks tags and breaks ties, in the OpenAPI document', () => {
    const json = JSON.stringify(z.toJSONSchema(TAG_RULE_BODY, { io: 'input', unrepresentable: 'any' }));
    assert.match(json, /tags that name no version \(`latest`, `2024\.01\.15`\) rank after every version/);
    assert.match(json, /Ties \(`1\.28` and `v1\.28\.0`.*higher tag name/);
  });
});

describe('Quay\'s root_rule', () => {
  it('reads its comma-separated globs', () => {
    const problems: FieldProblem[] = [];
    assert.deepEqual(parseRootRule({ rule_kind: 'tag_glob_csv', rule_value: ['v3.*, latest', 'v3.[!1]*'] }, problems), ['v3.*', 'latest', 'v3.[!1]*']);
    assert.deepEqual(problems, []);
  });
  it('names a bad pattern, and a list without one', () => {
    const problems: FieldProblem[] = [];
    parseRootRule({ rule_kind: 'tag_glob_csv', rule_value: ['v3.[1'] }, problems);
    parseRootRule({ rule_kind: 'tag_glob_csv', rule_value: [' '] }, problems);
    assert.deepEqual(problems, [
      { field: 'root_rule.rule_value', message: 'pattern "v3.[1" has an unclosed [' },
      { field: 'root_rule.rule_value', message: 'must hold at least one tag pattern' },
    ]);
  });
});
