import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { FRUITLESS_HOLD_MS, NextWakePlanner, type DueIndexView, type PassOutcome } from './next-wake';

const TICK_MS = 60_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const NOTHING_DUE: DueIndexView = { dueNow: false, nextDueAt: null };
const QUIET: PassOutcome = { considered: 0, issued: 0, backlog: false, failed: false };

/** Lets promises settle (setImmediate is left real by the fake clock). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A planner on a fake clock starting at T0, whose index reads answer whatever `index.view` holds. */
function plannerAt(t: TestContext, options: { failReads?: boolean } = {}) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: T0 });
  const index = { view: NOTHING_DUE, reads: 0, failures: [] as unknown[] };
  const planner = new NextWakePlanner({
    tickMs: TICK_MS,
    clock: () => Date.now(),
    readIndex: async (now) => {
      index.reads += 1;
      assert.equal(now.getTime(), Date.now(), 'the index is read as of the planner clock');
      if (options.failReads) throw new Error('Postgres is away');
      return index.view;
    },
    onReadFailed: (error) => void index.failures.push(error),
  });
  return { planner, index };
}

/** Starts a sleep and reports whether it has ended yet. */
function sleeping(planner: NextWakePlanner, signal = new AbortController().signal) {
  const state = { woke: false };
  void planner.untilWake(signal).then(() => (state.woke = true));
  return state;
}

/** A pass that begins at the clock's now and ends with `index.view` as the index. */
async function pass(planner: NextWakePlanner, outcome: PassOutcome = QUIET): Promise<void> {
  planner.passStarting();
  await planner.passEnded(outcome);
}

describe('the scheduler\'s next wake-up', () => {
  it('looks at once when it starts, before anything is known', (t) => {
    const { planner } = plannerAt(t);
    assert.ok(planner.wakeAt() <= Date.now());
  });

  it('sleeps a whole tick after a pass when nothing is due, and wakes at the tick', async (t) => {
    const { planner } = plannerAt(t);
    await pass(planner);
    assert.equal(planner.wakeAt(), T0 + TICK_MS);
    const sleep = sleeping(planner);
    t.mock.timers.tick(TICK_MS - 1);
    await settle();
    assert.equal(sleep.woke, false);
    t.mock.timers.tick(1);
    await settle();
    assert.equal(sleep.woke, true);
  });

  it('wakes at the earliest due_at when it comes before the tick', async (t) => {
    const { planner, index } = plannerAt(t);
    index.view = { dueNow: false, nextDueAt: T0 + 5_000 };
    await pass(planner);
    assert.equal(planner.wakeAt(), T0 + 5_000);
    const sleep = sleeping(planner);
    t.mock.timers.tick(4_999);
    await settle();
    assert.equal(sleep.woke, false);
    t.mock.timers.tick(1);
    await settle();
    assert.equal(sleep.woke, true);
  });

  it('keeps the tick as the upper bound when the earliest due_at lies beyond it', async (t) => {
    const { planner, index } = plannerAt(t);
    index.view = { dueNow: false, nextDueAt: T0 + 10 * TICK_MS };
    await pass(planner);
    assert.equal(planner.wakeAt(), T0 + TICK_MS);
  });

  it('is woken at once by the projection making a row due (a sync-now), without waiting for the tick', async (t) => {
    const { planner, index } = plannerAt(t);
    await pass(planner);
    const sleep = sleeping(planner);
    t.mock.timers.tick(1_000);
    index.view = { dueNow: true, nextDueAt: null };
    planner.indexMoved();
    await settle();
    assert.equal(sleep.woke, true);
    assert.equal(Date.now(), T0 + 1_000, 'no time passed on the clock while it woke');
  });

  it('moves its wake-up earlier when the projection brings a nearer due_at (a retry\'s backoff, a push window)', async (t) => {
    const { planner, index } = plannerAt(t);
    await pass(planner);
    const sleep = sleeping(planner);
    index.view = { dueNow: false, nextDueAt: T0 + 3_000 };
    planner.indexMoved();
    await settle();
    assert.equal(sleep.woke, false, 'not due yet');
    t.mock.timers.tick(3_000);
    await settle();
    assert.equal(sleep.woke, true);
  });

  it('does not wake again for rows the last pass already had before it (no busy loop on a row the decider refuses)', async (t) => {
    const { planner, index } = plannerAt(t);
    // The pass's own rows still read as due until the projection catches up, and the decider
    // refuses a row that reads as due: neither is news.
    index.view = { dueNow: true, nextDueAt: null };
    await pass(planner, { considered: 1, issued: 1, backlog: false, failed: false });
    assert.equal(planner.wakeAt(), T0 + TICK_MS);
    t.mock.timers.tick(10);
    index.view = { dueNow: false, nextDueAt: T0 - 5_000 };
    await pass(planner);
    assert.equal(planner.wakeAt(), T0 + 10 + TICK_MS, 'a due_at before the pass began was that pass\'s');
  });

  it('looks again right after a pass when the projection reported a due row while it ran', async (t) => {
    const { planner, index } = plannerAt(t);
    planner.passStarting();
    index.view = { dueNow: true, nextDueAt: null };
    planner.indexMoved();
    await settle();
    await planner.passEnded(QUIET);
    assert.ok(planner.wakeAt() <= Date.now());
  });

  it('starts the next pass at once after a pass that stopped at its batch limit', async (t) => {
    const { planner } = plannerAt(t);
    await pass(planner, { considered: 500, issued: 500, backlog: true, failed: false });
    assert.ok(planner.wakeAt() <= Date.now());
  });

  it('holds wake-ups after passes that issued nothing of what they found, doubling up to the tick, and lets go after one that issued', async (t) => {
    const { planner, index } = plannerAt(t);
    const refused: PassOutcome = { considered: 2, issued: 0, backlog: false, failed: false };
    index.view = { dueNow: true, nextDueAt: null };
    const holds: number[] = [];
    for (let i = 0; i < 10; i++) {
      await pass(planner, refused);
      planner.indexMoved();
      await settle();
      holds.push(planner.wakeAt() - Date.now());
      t.mock.timers.tick(planner.wakeAt() - Date.now());
    }
    assert.deepEqual(holds.slice(0, 4), [FRUITLESS_HOLD_MS, 2 * FRUITLESS_HOLD_MS, 4 * FRUITLESS_HOLD_MS, 8 * FRUITLESS_HOLD_MS]);
    assert.equal(Math.max(...holds), TICK_MS);
    await pass(planner, { considered: 2, issued: 1, backlog: false, failed: false });
    planner.indexMoved();
    await settle();
    assert.ok(planner.wakeAt() <= Date.now());
  });

  it('holds back only briefly a scheduler that loses a race now and then (another scheduler issued the run first)', async (t) => {
    const { planner, index } = plannerAt(t);
    const lost: PassOutcome = { considered: 1, issued: 0, backlog: false, failed: false };
    index.view = { dueNow: true, nextDueAt: null };
    for (let i = 0; i < 5; i++) {
      await pass(planner, lost);
      planner.indexMoved();
      await settle();
      assert.equal(planner.wakeAt() - Date.now(), FRUITLESS_HOLD_MS, `loss ${i + 1}`);
      // The next sync-now comes seconds later, long after the hold ended.
      t.mock.timers.tick(5_000);
    }
  });

  it('holds wake-ups after a pass that failed, as after one that issued nothing', async (t) => {
    const { planner, index } = plannerAt(t);
    await pass(planner, { ...QUIET, failed: true });
    index.view = { dueNow: true, nextDueAt: null };
    planner.indexMoved();
    await settle();
    assert.equal(planner.wakeAt(), T0 + FRUITLESS_HOLD_MS);
  });

  it('folds reports that come while a read is waiting into that read', async (t) => {
    const { planner, index } = plannerAt(t);
    await pass(planner);
    const before = index.reads;
    for (let i = 0; i < 5; i++) planner.indexMoved();
    await settle();
    assert.equal(index.reads - before, 1);
    planner.indexMoved();
    await settle();
    assert.equal(index.reads - before, 2, 'a report after the read began gets a read of its own');
  });

  it('reads nothing for reports while a row it knows is due waits for the next pass (a backlog being issued)', async (t) => {
    const { planner, index } = plannerAt(t);
    await pass(planner, { considered: 500, issued: 500, backlog: true, failed: false });
    const before = index.reads;
    index.view = { dueNow: true, nextDueAt: null };
    for (let i = 0; i < 3; i++) {
      planner.indexMoved();
      await settle();
    }
    assert.equal(index.reads, before);
    assert.ok(planner.wakeAt() <= Date.now());
    // The next pass issues the rest: reports read the index again.
    index.view = NOTHING_DUE;
    await pass(planner);
    planner.indexMoved();
    await settle();
    assert.equal(index.reads, before + 2);
    assert.equal(planner.wakeAt(), Date.now() + TICK_MS);
  });

  it('keeps its plan when the index cannot be read, and says why', async (t) => {
    const { planner, index } = plannerAt(t, { failReads: true });
    await pass(planner);
    planner.indexMoved();
    await settle();
    assert.equal(index.failures.length, 2);
    assert.equal(planner.wakeAt(), T0 + TICK_MS, 'the tick stays as the safety net');
  });

  it('ends its sleep when the service stops', async (t) => {
    const { planner } = plannerAt(t);
    await pass(planner);
    const stop = new AbortController();
    const sleep = sleeping(planner, stop.signal);
    stop.abort();
    await settle();
    assert.equal(sleep.woke, true);
  });
});
