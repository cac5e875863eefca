import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { estimateEta, ProgressMeter } from './progress-meter';

const counters = (bytesCopied: number, bytesTotal = 1000, tagsDone = 0, tagsTotal = 2) => ({ tagsDone, tagsTotal, bytesCopied, bytesTotal });

describe('the estimate of a run', () => {
  it('is the known bytes left over the rate, rounded up', () => {
    assert.equal(estimateEta(counters(400), 100), 6);
    assert.equal(estimateEta(counters(401), 100), 6);
  });

  it('is 0 once every tag is done', () => {
    assert.equal(estimateEta(counters(1000, 1000, 2, 2), 0), 0);
  });

  it('cannot be told without a rate, or with nothing known left while tags remain', () => {
    assert.equal(estimateEta(counters(400), 0), null);
    assert.equal(estimateEta(counters(1000, 1000, 1, 2), 500), null);
    assert.equal(estimateEta(counters(0, 0, 0, 0), 0), null);
  });
});

describe('the rate of a run', () => {
  it('counts from the start until the window is full', () => {
    const meter = new ProgressMeter(0, 10_000);
    assert.deepEqual(meter.read(counters(100), 1_000), { bytesPerSecond: 100, etaSeconds: 9 });
    assert.deepEqual(meter.read(counters(400), 2_000), { bytesPerSecond: 200, etaSeconds: 3 });
  });

  it('follows the last window only, so a faster copy shows at once', () => {
    const meter = new ProgressMeter(0, 2_000);
    for (let s = 1; s <= 10; s++) meter.read(counters(s * 10, 10_000), s * 1000);
    // 10 B/s for 10 s, then 1000 B/s: two seconds later the rate is the new one.
    meter.read(counters(1_100, 10_000), 11_000);
    assert.equal(meter.read(counters(2_100, 10_000), 12_000).bytesPerSecond, 1000);
  });

  it('falls to 0 when copying stalls, and the estimate with it', () => {
    const meter = new ProgressMeter(0, 3_000);
    meter.read(counters(300), 1_000);
    meter.read(counters(600), 2_000);
    for (let s = 3; s <= 6; s++) meter.read(counters(600), s * 1000);
    assert.deepEqual(meter.read(counters(600), 7_000), { bytesPerSecond: 0, etaSeconds: null });
  });

  it('is 0 at the very start', () => {
    assert.equal(new ProgressMeter(5_000).read(counters(0), 5_000).bytesPerSecond, 0);
  });
});
