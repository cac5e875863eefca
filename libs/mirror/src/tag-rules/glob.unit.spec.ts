import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileTagPatterns, normalizeTagPatterns, selectTags, tagPatternProblem } from './glob';
import { QUAY_EXAMPLES, QUAY_TAGS } from './quay-examples.fixtures';

describe('tag patterns from the Quay documentation', () => {
  for (const [pattern, expected] of QUAY_EXAMPLES) {
    it(`${pattern} selects ${expected.join(', ')}`, () => {
      assert.deepEqual(selectTags(QUAY_TAGS, [pattern]), expected);
    });
  }
});

describe('pattern semantics', () => {
  it('matches the whole tag, not a prefix', () => {
    assert.equal(compileTagPatterns(['v3'])('v3.1'), false);
  });
  it('is case-sensitive', () => {
    assert.equal(compileTagPatterns(['latest'])('LATEST'), false);
  });
  it('takes the union of several patterns', () => {
    assert.deepEqual(selectTags(QUAY_TAGS, ['v4*', 'v3.1']), ['v3.1', 'v4.0']);
  });
  it('treats braces and extglobs as literal characters, not alternatives', () => {
    assert.equal(compileTagPatterns(['v{1,2}'])('v1'), false);
  });
  it('trims whitespace around comma-separated entries', () => {
    assert.deepEqual(normalizeTagPatterns([' v3.* , latest', '']), ['v3.*', 'latest']);
  });
});

describe('patterns compiled again', () => {
  it('are the matcher compiled before, until a thousand other lists have been compiled since', () => {
    const first = compileTagPatterns(['v1.*', 'latest']);
    assert.equal(compileTagPatterns(['v1.*', 'latest']), first);
    assert.notEqual(compileTagPatterns(['latest', 'v1.*']), first, 'another list is another matcher');
    for (let n = 0; n < 1_000; n++) compileTagPatterns([`kept-${n}-*`]);
    const again = compileTagPatterns(['v1.*', 'latest']);
    assert.notEqual(again, first, 'the least recently used list was let go');
    assert.deepEqual([again('v1.2'), again('latest'), again('v2.0')], [true, true, false]);
  });
});

describe('pattern validation', () => {
  it('accepts the documented patterns', () => {
    for (const p of ['v3*', 'v3.[!1]*', 'latest', 'v?.?']) assert.equal(tagPatternProblem(p), undefined);
  });
  it('names an unclosed bracket', () => {
    assert.match(tagPatternProblem('v3.[12') ?? '', /unclosed/);
  });
  it('refuses characters a tag cannot hold', () => {
    assert.ok(tagPatternProblem('v3/x'));
    assert.ok(tagPatternProblem('v 3'));
  });
});

describe('patterns the API refuses because the worker could not compile them', () => {
  for (const pattern of [']', '[]', 'a]', '[!]']) {
    it(`refuses ${pattern}`, () => {
      assert.match(tagPatternProblem(pattern) ?? '', /cannot be compiled|unclosed/);
      assert.ok(tagPatternProblem(pattern));
    });
  }
  it('accepts what compiles, and compiles everything it accepts', () => {
    for (const pattern of ['v3.[!1]*', 'latest', 'v?.*', '[[]x']) {
      if (tagPatternProblem(pattern) === undefined) assert.doesNotThrow(() => compileTagPatterns([pattern]), pattern);
    }
  });
});
