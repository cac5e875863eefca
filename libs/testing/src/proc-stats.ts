import { readFileSync } from 'node:fs';

/**
 * CPU accounting from /proc (Linux), for benchmarks that must show where a machine's CPU went.
 * Times are in seconds; the kernel counts them in clock ticks of 1/100 s.
 */
const TICK_SECONDS = 0.01;

/** The fields of /proc/<pid>/stat after the command name, which may itself hold spaces. */
function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
}

/** User + system CPU a live process has used so far (stat fields 14 and 15). */
export function processCpuSeconds(pid: number): number {
  const f = statFields(pid);
  return (Number(f[11]) + Number(f[12])) * TICK_SECONDS;
}

/**
 * User + system CPU of this process's children that have exited and been waited for (stat
 * fields 16 and 17): read before a child starts and after its exit event, the difference is
 * that child's CPU, provided no other child ended in between.
 */
export function reapedChildrenCpuSeconds(): number {
  const f = statFields('self');
  return (Number(f[13]) + Number(f[14])) * TICK_SECONDS;
}

/** Idle + iowait time summed over every core since boot (the `cpu` line of /proc/stat). */
export function idleCpuSeconds(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  return (Number(cpu[4]) + Number(cpu[5])) * TICK_SECONDS;
}

/** Time every core spent on any process (user, nice, system, irq, softirq, steal) since boot: the `cpu` line of /proc/stat. */
export function busyCpuSeconds(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * TICK_SECONDS;
}
