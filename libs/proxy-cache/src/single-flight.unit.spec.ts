import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SingleFlight } from './single-flight';

describe('concurrent requests for one key', () => {
  it('share one run, and the key is free again once it settles', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const work = async () => {
      runs++;
      await gate;
      return runs;
    };
    const a = flights.run('blob', work);
    const b = flights.run('blob', work);
    assert.equal(a.shared, false);
    assert.equal(b.shared, true);
    release();
    assert.deepEqual(await Promise.all([a.result, b.result]), [1, 1]);
    assert.equal(flights.size, 0);
    assert.equal(await flights.run('blob', work).result, 2);
  });
});
