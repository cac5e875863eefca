import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError, DomainErrorCode, type NewEvent, type QuotaEvent } from '@ferry/contracts';
import { admitRun, hardLimitBytes, humanBytes, limitBytesOf, parseQuotaSize, warningsCrossed, type NamespaceQuota } from './quota-arithmetic';
import { heldBytes, quotaDecider, usageBytes, type QuotaCommand, type QuotaState } from './quota.decider';

const ns = 'acme';
/** Decides each command on the state the earlier ones left; returns every command's events. */
function run(commands: QuotaCommand[], from: QuotaState = quotaDecider.initialState()): { state: QuotaState; decided: NewEvent<QuotaEvent>[][] } {
  let state = from;
  const decided: NewEvent<QuotaEvent>[][] = [];
  for (const command of commands) {
    const events = quotaDecider.decide(command, state);
    decided.push(events);
    for (const e of events) state = quotaDecider.evolve(state, e as unknown as QuotaEvent);
  }
  return { state, decided };
}
const refusal = (code: string) => (error: unknown) => error instanceof DomainError && error.code === code;
const quota = (limitBytes: number, ...limits: ['Warning' | 'Reject', number][]): NamespaceQuota => ({
  quotaId: 1,
  limitBytes,
  limits: limits.map(([limitType, thresholdPercent], i) => ({ limitId: i + 2, limitType, thresholdPercent })),
});

describe('quota arithmetic', () => {
  it('gives a limit its share of the quota, rounded down as Quay does', () => {
    assert.equal(limitBytesOf({ limitBytes: 1000 }, { thresholdPercent: 80 }), 800);
    assert.equal(limitBytesOf({ limitBytes: 999 }, { thresholdPercent: 33 }), 329);
  });

  it('takes the lowest Reject limit as the hard one, and none without a Reject limit', () => {
    assert.equal(hardLimitBytes(quota(1000, ['Warning', 50])), null);
    assert.equal(hardLimitBytes(quota(1000, ['Warning', 50], ['Reject', 90])), 900);
    assert.equal(hardLimitBytes(null), null);
  });

  it('admits a run up to the hard limit and refuses one byte past it, with by how much', () => {
    const q = quota(1000, ['Reject', 100]);
    assert.deepEqual(admitRun(q, 400, 600), { admitted: true });
    assert.deepEqual(admitRun(q, 400, 601), { admitted: false, limitBytes: 1000, heldBytes: 400, addBytes: 601, overBy: 1 });
  });

  it('admits a run that adds nothing, even over a limit lowered since, and any run without a hard limit', () => {
    assert.deepEqual(admitRun(quota(100, ['Reject', 100]), 500, 0), { admitted: true });
    assert.deepEqual(admitRun(quota(100, ['Warning', 10]), 500, 10_000), { admitted: true });
  });

  it('names the Warning limits usage reaches on its way up, each once', () => {
    const q = quota(1000, ['Warning', 50], ['Warning', 80], ['Reject', 100]);
    assert.deepEqual(warningsCrossed(q, 0, 499).map((l) => l.thresholdPercent), []);
    assert.deepEqual(warningsCrossed(q, 0, 500).map((l) => l.thresholdPercent), [50]);
    assert.deepEqual(warningsCrossed(q, 400, 900).map((l) => l.thresholdPercent), [50, 80]);
    assert.deepEqual(warningsCrossed(q, 500, 700).map((l) => l.thresholdPercent), []);
  });

  it("reads Quay's sizes: binary i-units, decimal others, bare bytes; refuses anything else", () => {
    assert.equal(parseQuotaSize('1GiB'), 1024 ** 3);
    assert.equal(parseQuotaSize('10 MB'), 10_000_000);
    assert.equal(parseQuotaSize('2Ki'), 2048);
    assert.equal(parseQuotaSize('500'), 500);
    assert.equal(parseQuotaSize('1.5GiB'), null);
    assert.equal(parseQuotaSize('lots'), null);
    assert.equal(parseQuotaSize('-1 GiB'), null);
  });

  it("writes sizes as Quay's best prefix with one decimal", () => {
    assert.equal(humanBytes(1024 ** 3), '1.0 GiB');
    assert.equal(humanBytes(1536 * 1024), '1.5 MiB');
    assert.equal(humanBytes(100), '100.0 Byte');
  });
});

describe('quota decider', () => {
  it('keeps one quota per namespace, numbered, and changes, deletes and refuses it as Quay does', () => {
    const { state, decided } = run([
      { kind: 'create-quota', namespace: ns, limitBytes: 1000, usage: {} },
      { kind: 'change-quota', namespace: ns, quotaId: 1, limitBytes: 2000 },
      { kind: 'change-quota', namespace: ns, quotaId: 1, limitBytes: 2000 },
    ]);
    assert.deepEqual(decided.map((d) => d.map((e) => e.type)), [['NamespaceQuotaCreated'], ['NamespaceQuotaChanged'], []]);
    assert.deepEqual(state.quota, { quotaId: 1, limitBytes: 2000, limits: [] });
    assert.throws(() => quotaDecider.decide({ kind: 'create-quota', namespace: ns, limitBytes: 5, usage: {} }, state), refusal(DomainErrorCode.QuotaAlreadyExists));
    assert.throws(() => quotaDecider.decide({ kind: 'change-quota', namespace: ns, quotaId: 7, limitBytes: 5 }, state), refusal(DomainErrorCode.QuotaNotFound));
    const gone = run([{ kind: 'delete-quota', namespace: ns, quotaId: 1 }], state).state;
    assert.equal(gone.quota, null);
    assert.throws(() => quotaDecider.decide({ kind: 'delete-quota', namespace: ns, quotaId: 1 }, gone), refusal(DomainErrorCode.QuotaNotFound));
    // Ids are not reused: a new quota is number 2.
    assert.equal(run([{ kind: 'create-quota', namespace: ns, limitBytes: 9, usage: {} }], gone).state.quota?.quotaId, 2);
  });

  it('adds, changes and deletes limits; refuses a repeated limit and a second Reject limit', () => {
    const { state } = run([
      { kind: 'create-quota', namespace: ns, limitBytes: 1000, usage: {} },
      { kind: 'create-limit', namespace: ns, quotaId: 1, limitType: 'Warning', thresholdPercent: 80 },
      { kind: 'create-limit', namespace: ns, quotaId: 1, limitType: 'Reject', thresholdPercent: 100 },
    ]);
    assert.deepEqual(state.quota?.limits, [
      { limitId: 2, limitType: 'Warning', thresholdPercent: 80 },
      { limitId: 3, limitType: 'Reject', thresholdPercent: 100 },
    ]);
    assert.throws(() => quotaDecider.decide({ kind: 'create-limit', namespace: ns, quotaId: 1, limitType: 'Warning', thresholdPercent: 80 }, state), refusal(DomainErrorCode.QuotaLimitAlreadyExists));
    assert.throws(() => quotaDecider.decide({ kind: 'create-limit', namespace: ns, quotaId: 1, limitType: 'Reject', thresholdPercent: 90 }, state), refusal(DomainErrorCode.QuotaLimitAlreadyExists));
    assert.throws(() => quotaDecider.decide({ kind: 'change-limit', namespace: ns, quotaId: 1, limitId: 2, limitType: 'Reject' }, state), refusal(DomainErrorCode.QuotaLimitAlreadyExists));
    const changed = run([
      { kind: 'change-limit', namespace: ns, quotaId: 1, limitId: 2, thresholdPercent: 70 },
      { kind: 'change-limit', namespace: ns, quotaId: 1, limitId: 2, thresholdPercent: 70 },
      { kind: 'delete-limit', namespace: ns, quotaId: 1, limitId: 3 },
    ], state);
    assert.deepEqual(changed.decided.map((d) => d.map((e) => e.type)), [['QuotaLimitChanged'], [], ['QuotaLimitDeleted']]);
    assert.deepEqual(changed.state.quota?.limits, [{ limitId: 2, limitType: 'Warning', thresholdPercent: 70 }]);
    assert.throws(() => quotaDecider.decide({ kind: 'delete-limit', namespace: ns, quotaId: 1, limitId: 3 }, changed.state), refusal(DomainErrorCode.QuotaLimitNotFound));
  });

  it('refuses a run whose bytes would pass the hard limit, counting what other runs in flight were let write', () => {
    const { state } = run([
      { kind: 'create-quota', namespace: ns, limitBytes: 1000, usage: {} },
      { kind: 'create-limit', namespace: ns, quotaId: 1, limitType: 'Reject', thresholdPercent: 100 },
      { kind: 'record-usage', namespace: ns, repository: 'a', runId: 'r1', fencingToken: 1, bytes: 300 },
      { kind: 'reserve', namespace: ns, repository: 'b', runId: 'r2', fencingToken: 1, bytes: 500 },
    ]);
    assert.equal(heldBytes(state), 800);
    assert.throws(() => quotaDecider.decide({ kind: 'reserve', namespace: ns, repository: 'c', runId: 'r3', fencingToken: 1, bytes: 201 }, state), refusal(DomainErrorCode.QuotaExceeded));
    assert.deepEqual(quotaDecider.decide({ kind: 'reserve', namespace: ns, repository: 'c', runId: 'r3', fencingToken: 1, bytes: 200 }, state).map((e) => e.type), ['QuotaBytesReserved']);
    // The same repository's next run replaces its reservation rather than adding to it.
    assert.deepEqual(quotaDecider.decide({ kind: 'reserve', namespace: ns, repository: 'b', runId: 'r4', fencingToken: 1, bytes: 700 }, state).map((e) => e.type), ['QuotaBytesReserved']);
  });

  it("records a run's bytes once, ends its reservation, and records each Warning limit it reaches", () => {
    const { state, decided } = run([
      { kind: 'create-quota', namespace: ns, limitBytes: 1000, usage: {} },
      { kind: 'create-limit', namespace: ns, quotaId: 1, limitType: 'Warning', thresholdPercent: 50 },
      { kind: 'create-limit', namespace: ns, quotaId: 1, limitType: 'Reject', thresholdPercent: 100 },
      { kind: 'reserve', namespace: ns, repository: 'a', runId: 'r1', fencingToken: 1, bytes: 600 },
      { kind: 'record-usage', namespace: ns, repository: 'a', runId: 'r1', fencingToken: 1, bytes: 600 },
      { kind: 'record-usage', namespace: ns, repository: 'a', runId: 'r1', fencingToken: 1, bytes: 600 },
      { kind: 'record-usage', namespace: ns, repository: 'b', runId: 'r2', fencingToken: 1, bytes: 0 },
    ]);
    assert.deepEqual(decided.slice(3).map((d) => d.map((e) => e.type)), [['QuotaBytesReserved'], ['QuotaUsageRecorded', 'QuotaWarningReached'], [], []]);
    assert.deepEqual(decided[4]![1]!.data, { namespace: ns, repository: 'a', mirrorId: 'acme/a', runId: 'r1', thresholdPercent: 50, usageBytes: 600, quotaBytes: 1000 });
    assert.equal(usageBytes(state), 600);
    assert.equal(usageBytes(state, 'a'), 600);
    assert.deepEqual(state.reserved, {});
    // A run resumed by another worker (a new fencing token) ends the reservation its first worker made.
    const resumed = run([
      { kind: 'reserve', namespace: ns, repository: 'a', runId: 'r9', fencingToken: 1, bytes: 100 },
      { kind: 'record-usage', namespace: ns, repository: 'a', runId: 'r9', fencingToken: 2, bytes: 40 },
    ], state).state;
    assert.deepEqual([resumed.reserved, usageBytes(resumed)], [{}, 640]);
    // Another worker that resumed the run (a new fencing token) records what it wrote too.
    assert.deepEqual(quotaDecider.decide({ kind: 'record-usage', namespace: ns, repository: 'a', runId: 'r1', fencingToken: 2, bytes: 5 }, state).map((e) => e.type), ['QuotaUsageRecorded']);
  });

  it('records nothing without a quota: a run in a namespace without one appends no event', () => {
    const { state, decided } = run([
      { kind: 'reserve', namespace: ns, repository: 'a', runId: 'r1', fencingToken: 1, bytes: 10 },
      { kind: 'record-usage', namespace: ns, repository: 'a', runId: 'r1', fencingToken: 1, bytes: 10 },
    ]);
    assert.deepEqual(decided, [[], []]);
    assert.deepEqual(state, quotaDecider.initialState());
  });

  it("counts a new quota's usage from the baseline it was made with, and drops the usage when it is deleted", () => {
    const { state, decided } = run([
      { kind: 'create-quota', namespace: ns, limitBytes: 1000, usage: { a: 300, b: 200, empty: 0 } },
      { kind: 'create-limit', namespace: ns, quotaId: 1, limitType: 'Reject', thresholdPercent: 100 },
      { kind: 'record-usage', namespace: ns, repository: 'a', runId: 'r1', fencingToken: 1, bytes: 100 },
    ]);
    // Repositories that hold nothing are left out of the event.
    assert.deepEqual(decided[0]![0]!.data, { namespace: ns, quotaId: 1, limitBytes: 1000, usage: { a: 300, b: 200 } });
    assert.deepEqual(state.usage, { a: 400, b: 200 });
    // The baseline counts towards the hard limit: 600 held, 401 more is one byte too many.
    assert.throws(() => quotaDecider.decide({ kind: 'reserve', namespace: ns, repository: 'c', runId: 'r2', fencingToken: 1, bytes: 401 }, state), refusal(DomainErrorCode.QuotaExceeded));
    const gone = run([
      { kind: 'reserve', namespace: ns, repository: 'c', runId: 'r2', fencingToken: 1, bytes: 50 },
      { kind: 'delete-quota', namespace: ns, quotaId: 1 },
      { kind: 'record-usage', namespace: ns, repository: 'c', runId: 'r2', fencingToken: 1, bytes: 50 },
    ], state);
    assert.deepEqual(gone.decided.map((d) => d.map((e) => e.type)), [['QuotaBytesReserved'], ['NamespaceQuotaDeleted'], []]);
    assert.deepEqual([gone.state.usage, gone.state.reserved, heldBytes(gone.state)], [{}, {}, 0]);
    // A quota made again starts from the baseline it is given, not from the deleted one's count.
    assert.deepEqual(run([{ kind: 'create-quota', namespace: ns, limitBytes: 9, usage: { a: 450 } }], gone.state).state.usage, { a: 450 });
  });

  it('folds a quota made before baselines (no usage in its event) on the usage its subject recorded', () => {
    const events = [
      { type: 'QuotaUsageRecorded', data: { namespace: ns, repository: 'a', mirrorId: 'acme/a', runId: 'r1', fencingToken: 1, bytes: 10, usageBytes: 10 } },
      { type: 'NamespaceQuotaCreated', data: { namespace: ns, quotaId: 1, limitBytes: 1000 } },
      { type: 'QuotaUsageRecorded', data: { namespace: ns, repository: 'a', mirrorId: 'acme/a', runId: 'r2', fencingToken: 1, bytes: 5, usageBytes: 15 } },
    ] as unknown as QuotaEvent[];
    const state = events.reduce(quotaDecider.evolve, quotaDecider.initialState());
    assert.equal(usageBytes(state), 15);
    assert.equal(state.quota?.limitBytes, 1000);
  });
});
