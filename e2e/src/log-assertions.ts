import assert from 'node:assert/strict';
import type { LogLine } from './ferry-processes';

/** A line, short, for a failure message. */
const show = (l: LogLine) => `[${l.instance}] ${l.level} ${l.msg}`;

/**
 * The README's promise for an outage Ferry rides out: no line at level error (error is a fault of
 * Ferry's), nothing printed as `undefined`, `null` or `[object Object]`; and each loop that waited
 * for `dependency` said so once at warn, without a stack, and said once at info that it resumed.
 * `expected` names the loops that must have waited, per instance (the process that ran them).
 */
export function assertOutageRiddenOut(lines: LogLine[], dependency: 'NATS' | 'Postgres', expected: Record<string, string[]>): void {
  assert.deepEqual(lines.filter((l) => l.level === 'error').map(show), [], 'no error lines');
  assert.deepEqual(lines.filter((l) => JSON.stringify(l).includes('undefined') || /\bnull\b|\[object Object\]/.test(l.msg)).map(show), [], 'no line prints a missing value');
  const waiting = new RegExp(`^(.+) is waiting for ${dependency} \\(`);
  const waits = lines.filter((l) => waiting.test(l.msg));
  for (const wait of waits) {
    assert.equal(wait.level, 'warn', show(wait));
    assert.equal(wait.err ?? wait.stack, undefined, `no stack: ${show(wait)}`);
    assert.equal(wait.dependency, dependency);
  }
  const loops = waits.map((l) => `${l.instance}: ${waiting.exec(l.msg)![1]}`);
  assert.equal(new Set(loops).size, loops.length, `one warn per loop: ${loops.join('; ')}`);
  for (const [instance, activities] of Object.entries(expected)) {
    for (const activity of activities) assert.ok(loops.includes(`${instance}: ${activity}`), `${instance} warned that ${activity} waits for ${dependency}; it logged:\n${lines.filter((l) => l.instance === instance && l.level !== 'info').map(show).join('\n')}`);
  }
  for (const wait of waits) {
    const activity = waiting.exec(wait.msg)![1]!;
    const resumed = lines.filter((l) => l.instance === wait.instance && new RegExp(`^${activity} resumed after waiting \\d+ s for ${dependency}$`).test(l.msg));
    assert.equal(resumed.length, 1, `${wait.instance} said once that ${activity} resumed`);
    assert.equal(resumed[0]!.level, 'info');
    assert.equal(typeof resumed[0]!.outage_seconds, 'number');
  }
}

/** Each instance lost its NATS connection once (warn) and got it back once (info), after about `seconds`. */
export function assertNatsConnectionLostAndBack(lines: LogLine[], instances: readonly string[], seconds: number): void {
  for (const instance of instances) {
    const own = lines.filter((l) => l.instance === instance && l.context === 'nats');
    const lost = own.filter((l) => l.msg.startsWith('lost the connection to NATS at '));
    const back = own.filter((l) => l.msg.startsWith('reconnected to NATS at '));
    assert.deepEqual([lost.length, back.length], [1, 1], `${instance}: ${own.map(show).join('; ')}`);
    assert.equal(lost[0]!.level, 'warn');
    assert.equal(back[0]!.level, 'info');
    const outage = back[0]!.outage_seconds as number;
    assert.ok(Math.abs(outage - seconds) <= 10, `${instance} was away ${outage} s, about ${seconds}`);
  }
}
