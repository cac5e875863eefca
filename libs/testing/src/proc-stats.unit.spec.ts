import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { idleCpuSeconds, processCpuSeconds, reapedChildrenCpuSeconds } from './proc-stats';

/** Spins a child Node process on the CPU for about `ms` milliseconds. */
async function burnInChild(ms: number): Promise<void> {
  const child = spawn(process.execPath, ['-e', `const end = Date.now() + ${ms}; while (Date.now() < end);`], { stdio: 'ignore' });
  await once(child, 'exit');
}

describe('CPU accounting from /proc', () => {
  it("counts this process's own CPU as it is spent", () => {
    const before = processCpuSeconds(process.pid);
    const end = Date.now() + 150;
    while (Date.now() < end);
    const spent = processCpuSeconds(process.pid) - before;
    assert.ok(spent >= 0.1 && spent < 1, `spent ${spent} s`);
  });

  it("counts a child's CPU once it has exited, not the time it spent waiting", async () => {
    const before = reapedChildrenCpuSeconds();
    await burnInChild(300);
    const burnt = reapedChildrenCpuSeconds() - before;
    assert.ok(burnt >= 0.25 && burnt < 1.5, `burnt ${burnt} s`);
    const idleBefore = reapedChildrenCpuSeconds();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 300)'], { stdio: 'ignore' });
    await once(sleeper, 'exit');
    assert.ok(reapedChildrenCpuSeconds() - idleBefore < 0.2);
  });

  it('counts idle time across all cores: never more than the time gone by times the cores', async () => {
    const before = idleCpuSeconds();
    const started = performance.now();
    await new Promise((r) => setTimeout(r, 300));
    const elapsed = (performance.now() - started) / 1000;
    const idle = idleCpuSeconds() - before;
    assert.ok(idle >= 0 && idle <= elapsed * cpus().length + 0.02, `idle ${idle} s in ${elapsed} s`);
  });
});
