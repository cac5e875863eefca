import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deleteAllowance } from '@ferry/contracts';
import { planRemoval } from './tag-removal';

const DIGEST = 'sha256:' + 'a'.repeat(64);
const on = { enabled: true, maxDelete: null };

describe('the removal plan', () => {
  it('removes the target tags the run does not want', () => {
    assert.deepEqual(planRemoval(['v1', 'v2', 'old'], new Set(['v1', 'v2']), [], on), { kind: 'remove', tags: ['old'] });
  });
  it('keeps the signatures, attestations, SBOMs and referrer index of a kept image', () => {
    const companions = ['.sig', '.att', '.sbom', ''].map((s) => `sha256-${'a'.repeat(64)}${s}`);
    const stray = `sha256-${'b'.repeat(64)}.sig`;
    assert.deepEqual(planRemoval(['v1', ...companions, stray], new Set(['v1']), [DIGEST], on), { kind: 'remove', tags: [stray] });
  });
  it('removes nothing when deletion is off', () => {
    assert.deepEqual(planRemoval(['v1', 'old'], new Set(['v1']), [], { enabled: false, maxDelete: null }), { kind: 'remove', tags: [] });
  });
  it('refuses a plan over a count cap, and allows one at it', () => {
    const target = ['a', 'b', 'c', 'keep'];
    assert.deepEqual(planRemoval(target, new Set(['keep']), [], { enabled: true, maxDelete: { count: 2 } }), { kind: 'refused', wouldDelete: 3, allowed: 2 });
    assert.deepEqual(planRemoval(target, new Set(['keep']), [], { enabled: true, maxDelete: { count: 3 } }), { kind: 'remove', tags: ['a', 'b', 'c'] });
  });
  it('reads a percentage cap against the target tags before the run: 600 of 612 is refused at 10 %', () => {
    const target = Array.from({ length: 612 }, (_, i) => `t${i}`);
    const wanted = new Set(target.slice(0, 12));
    assert.deepEqual(planRemoval(target, wanted, [], { enabled: true, maxDelete: { percent: 10 } }), { kind: 'refused', wouldDelete: 600, allowed: 61 });
  });
  it('a cap of 0 refuses any deletion, and nothing to delete is never refused', () => {
    assert.deepEqual(planRemoval(['a', 'b'], new Set(['a']), [], { enabled: true, maxDelete: { count: 0 } }), { kind: 'refused', wouldDelete: 1, allowed: 0 });
    assert.deepEqual(planRemoval(['a'], new Set(['a']), [], { enabled: true, maxDelete: { count: 0 } }), { kind: 'remove', tags: [] });
  });
});

describe('the delete allowance', () => {
  it('rounds a percentage down to whole tags, and is unbounded without a cap', () => {
    assert.equal(deleteAllowance({ percent: 10 }, 15), 1);
    assert.equal(deleteAllowance({ percent: 100 }, 7), 7);
    assert.equal(deleteAllowance({ count: 4 }, 1), 4);
    assert.equal(deleteAllowance(null, 3), Infinity);
  });
});
