import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { busyCpuSeconds, idleCpuSeconds, processCpuSeconds, reapedChildrenCpuSeconds } from './proc-stats';

/** Spins until this process has used `ms` more milliseconds of CPU, however busy the machine is (by Node's own count). */
function spin(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if (used.user + used.system >= ms * 1000) return;
  }
}

/** A child Node process that spins for `ms` milliseconds of CPU, then exits. */
async function burnInChild(ms: number): Promise<void> {
  const child = spawn(process.execPath, ['-e', `(${spin.toString()})(${ms})`], { stdio: 'ignore' });
  await once(child, 'exit');
}

describe('CPU accounting from /proc', () => {
  it("counts this process's own CPU as it is spent", () => {
    const before = processCpuSeconds(process.pid);
    spin(200);
    const spent = processCpuSeconds(process.pid) - before;
    // The kernel counts in ticks of 10 ms; other threads of this process (GC) may add a little.
    assert.ok(spent >= 0.18 && spent < 1, `spent ${spent} s`);
  });

  it("counts a child's CPU once it has exited, not the time it spent waiting", async () => {
    const before = reapedChildrenCpuSeconds();
    await burnInChild(300);
    const burnt = reapedChildrenCpuSeconds() - before;
    // The child's own start-up adds its CPU to the 300 ms it spins.
    assert.ok(burnt >= 0.28 && burnt < 1.5, `burnt ${burnt} s`);
    // A child that waits a second costs its start-up alone: less than the spinner, which paid the
    // same start-up and 300 ms more, and far less than the second it waited. (Compared with the
    // spinner, not with a fixed figure: a loaded machine makes every start-up dearer.)
    const idleBefore = reapedChildrenCpuSeconds();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 1000)'], { stdio: 'ignore' });
    await once(sleeper, 'exit');
    const slept = reapedChildrenCpuSeconds() - idleBefore;
    assert.ok(slept < burnt && slept < 0.9, `slept ${slept} s, burnt ${burnt} s`);
  });

  it('counts idle time across all cores: never more than the time gone by times the cores', async () => {
    const before = idleCpuSeconds();
    const started = performance.now();
    await new Promise((r) => setTimeout(r, 300));
    const elapsed = (performance.now() - started) / 1000;
    const idle = idleCpuSeconds() - before;
    assert.ok(idle >= 0 && idle <= elapsed * cpus().length + 0.02, `idle ${idle} s in ${elapsed} s`);
  });

  it("counts the machine's busy time: at least what this process spent meanwhile", () => {
    const before = busyCpuSeconds();
    const own = processCpuSeconds(process.pid);
    spin(200);
    const busy = busyCpuSeconds() - before;
    const spent = processCpuSeconds(process.pid) - own;
    // Both count in 10 ms ticks, the machine's per core: allow a tick per core of rounding.
    assert.ok(busy >= spent - 0.01 * (cpus().length + 1), `busy ${busy} s, this process ${spent} s`);
  });
});
