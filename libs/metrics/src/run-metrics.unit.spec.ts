import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exposeMetrics, metricsRegistry } from './metrics-registry';
import { recordTagResult, RUN_METRICS, RunBytesCounter } from './run-metrics';

exposeMetrics(RUN_METRICS);

async function bytesCopiedTotal(): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('ferry_bytes_copied_total')!.get();
  return metric.values[0]?.value ?? 0;
}

describe('the copied-bytes counter fed a run\'s running total of bytes copied', () => {
  it('moves with every reading by what the total grew, so it ends at the run\'s total', async () => {
    const before = await bytesCopiedTotal();
    const run = new RunBytesCounter();
    const seen: number[] = [];
    for (const soFar of [0, 4_096, 65_536, 65_536, 100_000]) {
      run.advanceTo(soFar);
      seen.push((await bytesCopiedTotal()) - before);
    }
    assert.deepEqual(seen, [0, 4_096, 65_536, 65_536, 100_000]);
  });

  it('counts nothing for a reading that repeats or is behind one already counted, nor for a tag\'s result', async () => {
    const run = new RunBytesCounter();
    run.advanceTo(1_000);
    const before = await bytesCopiedTotal();
    run.advanceTo(1_000);
    run.advanceTo(600);
    run.advanceTo(Number.NaN);
    recordTagResult('copied');
    assert.equal(await bytesCopiedTotal(), before);
    run.advanceTo(1_500);
    assert.equal(await bytesCopiedTotal(), before + 500, 'only the bytes beyond the highest reading');
  });

  it('adds the runs of one worker together, each counted from its own start', async () => {
    const before = await bytesCopiedTotal();
    const [one, two] = [new RunBytesCounter(), new RunBytesCounter()];
    one.advanceTo(300);
    two.advanceTo(200);
    one.advanceTo(500);
    assert.equal(await bytesCopiedTotal(), before + 700);
  });
});
