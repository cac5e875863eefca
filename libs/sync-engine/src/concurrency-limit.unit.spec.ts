import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConcurrencyLimit } from './concurrency-limit';

describe('a concurrency limit with queued tasks of different priorities', () => {
  it('runs the highest priority first, arrival order among equals, never more than the limit at once', async () => {
    const limit = new ConcurrencyLimit(1);
    const order: string[] = [];
    let active = 0;
    let peak = 0;
    const task = (name: string) => async () => {
      active++;
      peak = Math.max(peak, active);
      order.push(name);
      await new Promise((r) => setImmediate(r));
      active--;
    };
    await Promise.all([
      limit.run(task('first'), 0),
      limit.run(task('small'), 10),
      limit.run(task('big'), 1000),
      limit.run(task('small-2'), 10),
    ]);
    assert.deepEqual(order, ['first', 'big', 'small', 'small-2']);
    assert.equal(peak, 1);
  });
});
