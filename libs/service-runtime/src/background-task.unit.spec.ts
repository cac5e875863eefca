import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BackgroundTask, restartDelayMs } from './background-task';
import { DependencyUnavailableError } from './dependency-outage';

describe('a background task', () => {
  it('waits 1 s, 2 s, 4 s ... up to 30 s before each start after a crash', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => restartDelayMs(n)), [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('starts its loop again after each crash until it runs; stop ends it', async () => {
    const starts: number[] = [];
    let running: (() => void) | null = null;
    const task = new BackgroundTask(
      'the test loop',
      (signal) => {
        starts.push(Date.now());
        if (starts.length <= 2) return Promise.reject(new DependencyUnavailableError('NATS', 'no responders'));
        return new Promise<void>((resolve) => {
          running = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
      },
      20,
    );
    task.start();
    for (let i = 0; i < 1000 && running === null; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(starts.length, 3, 'two crashes, then a loop that runs');
    await task.stop();
  });

  it('does not start again once stopped, nor after a loop that ended by itself', async () => {
    let starts = 0;
    const task = new BackgroundTask('the test loop', async () => void starts++, 10);
    task.start();
    await new Promise((r) => setTimeout(r, 60));
    await task.stop();
    assert.equal(starts, 1);
  });
});
