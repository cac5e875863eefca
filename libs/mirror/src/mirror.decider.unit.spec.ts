import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { globTagRule, MirrorStatus, type MirrorConfig, type MirrorEvent, type NewEvent, type RunSummary } from '@ferry/contracts';
import { decideMirror, evolveMirror, initialMirrorState, isDue, MAX_PUSHED_TAGS, targetCheckDue, type MirrorCommand } from './mirror.decider';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const config: MirrorConfig = {
  namespace: 'ns',
  repository: 'repo',
  isEnabled: true,
  externalReference: 'quay.io/ns/repo',
  externalRegistryUsername: null,
  externalRegistryPassword: null,
  robotUsername: 'ns+bot',
  tagRule: globTagRule(['v3.*']),
  syncStartDate: T0.toISOString(),
  syncInterval: 3600,
  externalRegistryConfig: { verifyTls: true, unsignedImages: false, proxy: { httpProxy: null, httpsProxy: null, noProxy: null } },
  architectureFilter: [],
  skopeoTimeoutInterval: 300,
};
const summary: RunSummary = { startedAt: null, tagsMatched: ['v3.1'], tagsCopied: 1, tagsUnchanged: 0, tagsDeleted: 0, tagsFailed: 0, bytesCopied: 10 };

/** given events -> when command -> the new events (or the thrown code). */
function given(...events: NewEvent<MirrorEvent>[]) {
  const state = events.reduce((s, e) => evolveMirror(s, e as MirrorEvent), initialMirrorState());
  return {
    state,
    when: (command: MirrorCommand) => decideMirror(command, state),
  };
}
const created: NewEvent<MirrorEvent> = { type: 'MirrorCreated', data: { mirrorId: 'ns/repo', config, nextSyncAt: config.syncStartDate } };
const scheduled = (token = 1, lease = 600): NewEvent<MirrorEvent> => ({
  type: 'MirrorRunScheduled',
  data: { mirrorId: 'ns/repo', runId: 'r1', trigger: 'schedule', fencingToken: token, leaseExpiresAt: at(lease).toISOString(), externalReference: 'quay.io/ns/repo' },
});

describe('a new mirror', () => {
  it('is created never-run and due at its start date', () => {
    const { state } = given(created);
    assert.equal(state.status, MirrorStatus.NeverRun);
    assert.equal(isDue(state, at(-1)), false);
    assert.equal(isDue(state, at(0)), true);
  });
  it('cannot be created twice', () => {
    assert.throws(() => given(created).when({ kind: 'create', mirrorId: 'ns/repo', config, now: T0 }), { code: 'MIRROR_ALREADY_EXISTS' });
  });
  it('is not due while disabled, but sync-now still runs it', () => {
    const disabled = given(created, { type: 'MirrorUpdated', data: { mirrorId: 'ns/repo', config: { ...config, isEnabled: false }, nextSyncAt: config.syncStartDate } });
    assert.equal(isDue(disabled.state, at(10)), false);
    const [requested] = disabled.when({ kind: 'request-sync-now' });
    assert.equal(isDue(evolveMirror(disabled.state, requested as MirrorEvent), at(10)), true);
  });
});

describe('scheduling a run', () => {
  it('issues one run with the next fencing token', () => {
    const [event] = given(created).when({ kind: 'schedule-run', runId: 'r1', now: at(5), leaseSeconds: 60 });
    assert.equal(event?.type, 'MirrorRunScheduled');
    assert.equal((event?.data as { fencingToken: number }).fencingToken, 1);
  });
  it('issues nothing while a run holds an unexpired lease (a second scheduler is a no-op)', () => {
    assert.deepEqual(given(created, scheduled()).when({ kind: 'schedule-run', runId: 'r2', now: at(5), leaseSeconds: 60 }), []);
  });
  it('reclaims an expired lease for the same run under a new fencing token', () => {
    const [event] = given(created, scheduled(1, 60)).when({ kind: 'schedule-run', runId: 'r2', now: at(61), leaseSeconds: 60 });
    assert.deepEqual([(event?.data as { runId: string }).runId, (event?.data as { fencingToken: number }).fencingToken], ['r1', 2]);
  });
});

describe('a running mirror', () => {
  const running = () => given(created, scheduled(), { type: 'MirrorStarted', data: { mirrorId: 'ns/repo', runId: 'r1', trigger: 'schedule', externalReference: 'x', fencingToken: 1, worker: 'w/1' } });
  it('refuses sync-now with SYNC_IN_PROGRESS', () => {
    assert.throws(() => running().when({ kind: 'request-sync-now' }), { code: 'SYNC_IN_PROGRESS' });
  });
  it('refuses a result from a worker whose token was fenced off', () => {
    assert.throws(
      () => running().when({ kind: 'complete-run', runId: 'r1', fencingToken: 0, outcome: 'succeeded', summary, now: at(9), jitter: 0 }),
      { code: 'STALE_RUN' },
    );
  });
  it('succeeds onto the next grid point of the interval', () => {
    const [event] = running().when({ kind: 'complete-run', runId: 'r1', fencingToken: 1, outcome: 'succeeded', summary, now: at(4000), jitter: 0 });
    assert.equal(event?.type, 'MirrorSucceeded');
    assert.equal((event?.data as { nextSyncAt: string }).nextSyncAt, at(7200).toISOString());
  });
  it('retries a transient failure sooner than the next interval, with fewer retries left', () => {
    const [event] = running().when({ kind: 'complete-run', runId: 'r1', fencingToken: 1, outcome: 'failed', summary, retryable: true, error: { code: 'X', message: 'x' }, now: at(10), jitter: 1 });
    const data = event?.data as { nextSyncAt: string; retriesRemaining: number };
    assert.equal(data.retriesRemaining, 2);
    assert.equal(data.nextSyncAt, at(40).toISOString());
  });
  it('does not retry a permanent failure before the next interval', () => {
    const [event] = running().when({ kind: 'complete-run', runId: 'r1', fencingToken: 1, outcome: 'failed', summary, retryable: false, error: { code: 'UNAUTHORIZED', message: 'x' }, now: at(10), jitter: 1 });
    assert.equal((event?.data as { nextSyncAt: string }).nextSyncAt, at(3600).toISOString());
  });
  it('renews its lease from when the renewal was sent, and never shortens it (a renewal sent earlier but stored later)', () => {
    const state = running();
    const [renewed] = state.when({ kind: 'renew-lease', runId: 'r1', fencingToken: 1, now: at(700), leaseSeconds: 600 });
    assert.equal((renewed?.data as { leaseExpiresAt: string }).leaseExpiresAt, at(1300).toISOString());
    const after = evolveMirror(state.state, renewed as MirrorEvent);
    const [late] = decideMirror({ kind: 'renew-lease', runId: 'r1', fencingToken: 1, now: at(500), leaseSeconds: 600 }, after);
    assert.equal((late?.data as { leaseExpiresAt: string }).leaseExpiresAt, at(1300).toISOString());
  });
  it('takes a cancel once and shows CANCEL until the worker stops', () => {
    const state = running();
    const events = state.when({ kind: 'cancel', now: at(3) });
    assert.equal(events[0]?.type, 'MirrorCancelRequested');
    const after = evolveMirror(state.state, events[0] as MirrorEvent);
    assert.equal(after.status, MirrorStatus.Cancel);
    assert.deepEqual(decideMirror({ kind: 'cancel', now: at(4) }, after), []);
  });
  it('keeps its lease across a config edit', () => {
    const state = running();
    const [edit] = state.when({ kind: 'update', config: { ...config, tagRule: globTagRule(['v4.*']) }, now: at(3) });
    const after = evolveMirror(state.state, edit as MirrorEvent);
    assert.equal(after.run?.fencingToken, 1);
    assert.equal(decideMirror({ kind: 'complete-run', runId: 'r1', fencingToken: 1, outcome: 'succeeded', summary, now: at(9), jitter: 0 }, after)[0]?.type, 'MirrorSucceeded');
  });
});

describe('a started run taken over after its lease expired', () => {
  const started: NewEvent<MirrorEvent> = { type: 'MirrorStarted', data: { mirrorId: 'ns/repo', runId: 'r1', trigger: 'schedule', externalReference: 'x', fencingToken: 1, worker: 'w/1' } };
  it('is resumed by the new worker, not started (and notified) again', () => {
    const [event] = given(created, scheduled(1, 60), started, scheduled(2, 120)).when({ kind: 'start-run', runId: 'r1', fencingToken: 2, worker: 'w/2' });
    assert.equal(event?.type, 'MirrorRunResumed');
  });
  it('starts once when the same assignment is delivered twice', () => {
    assert.deepEqual(given(created, scheduled(1, 60), started).when({ kind: 'start-run', runId: 'r1', fencingToken: 1, worker: 'w/1' }), []);
  });
  it('no longer lets the first worker renew or report', () => {
    const { when } = given(created, scheduled(1, 60), started, scheduled(2, 120));
    assert.throws(() => when({ kind: 'renew-lease', runId: 'r1', fencingToken: 1, now: at(70), leaseSeconds: 60 }), { code: 'STALE_RUN' });
  });
});

describe('a run given back by a stopping worker', () => {
  const started: NewEvent<MirrorEvent> = { type: 'MirrorStarted', data: { mirrorId: 'ns/repo', runId: 'r1', trigger: 'schedule', externalReference: 'x', fencingToken: 1, worker: 'w/1' } };
  const release: MirrorCommand = { kind: 'release-lease', runId: 'r1', fencingToken: 1, now: at(20) };
  it('ends the lease when it is given back', () => {
    const [event] = given(created, scheduled(1, 600), started).when(release);
    assert.equal(event?.type, 'MirrorLeaseReleased');
    assert.deepEqual(event?.data, { mirrorId: 'ns/repo', runId: 'r1', fencingToken: 1, leaseExpiresAt: at(20).toISOString() });
  });
  it('is due at once, long before the lease would have expired, and still shows SYNCING', () => {
    const held = given(created, scheduled(1, 600), started);
    const after = evolveMirror(held.state, held.when(release)[0] as MirrorEvent);
    assert.equal(isDue(held.state, at(20)), false);
    assert.equal(isDue(after, at(20)), true);
    assert.equal(after.status, MirrorStatus.Syncing);
  });
  it('is reassigned as the same run under a new token, and resumed by the next worker', () => {
    const held = given(created, scheduled(1, 600), started);
    const released = held.when(release)[0]!;
    const [reassigned] = given(created, scheduled(1, 600), started, released).when({ kind: 'schedule-run', runId: 'r2', now: at(21), leaseSeconds: 60 });
    assert.deepEqual([(reassigned?.data as { runId: string }).runId, (reassigned?.data as { fencingToken: number }).fencingToken], ['r1', 2]);
    const [resumed] = given(created, scheduled(1, 600), started, released, reassigned!).when({ kind: 'start-run', runId: 'r1', fencingToken: 2, worker: 'w/2' });
    assert.equal(resumed?.type, 'MirrorRunResumed');
  });
  it('keeps a cancel asked for before it was given back', () => {
    const held = given(created, scheduled(1, 600), started, { type: 'MirrorCancelRequested', data: { mirrorId: 'ns/repo', runId: 'r1' } });
    const after = evolveMirror(held.state, held.when(release)[0] as MirrorEvent);
    assert.equal(after.run?.cancelRequested, true);
  });
  it('can be given back only by the worker holding it', () => {
    assert.throws(() => given(created, scheduled(1, 60), started, scheduled(2, 120)).when(release), { code: 'STALE_RUN' });
    assert.throws(() => given(created).when(release), { code: 'STALE_RUN' });
  });
});

describe('cancel with nothing to cancel', () => {
  it('is refused', () => {
    assert.throws(() => given(created).when({ kind: 'cancel', now: T0 }), { code: 'NOTHING_TO_CANCEL' });
  });
  it('withdraws a pending sync-now', () => {
    assert.equal(given(created, { type: 'MirrorSyncNowRequested', data: { mirrorId: 'ns/repo' } }).when({ kind: 'cancel', now: T0 })[0]?.type, 'MirrorCancelled');
  });
});

describe('what ended runs tell the next one about the target', () => {
  const startedRun = (runId: string, token: number): NewEvent<MirrorEvent>[] => [
    { type: 'MirrorRunScheduled', data: { mirrorId: 'ns/repo', runId, trigger: 'schedule', fencingToken: token, leaseExpiresAt: at(600).toISOString(), externalReference: 'x' } },
    { type: 'MirrorStarted', data: { mirrorId: 'ns/repo', runId, trigger: 'schedule', externalReference: 'x', fencingToken: token, worker: 'w/1' } },
  ];
  const succeeded = (runId: string, startedAt: string, targetChecked: boolean): NewEvent<MirrorEvent> => ({
    type: 'MirrorSucceeded',
    data: { mirrorId: 'ns/repo', runId, summary: { ...summary, startedAt, targetChecked }, nextSyncAt: at(7200).toISOString() },
  });

  it('asks for a full check before any run has made one, and again once the interval has passed', () => {
    const { state } = given(created);
    assert.equal(state.lastRunId, null);
    assert.equal(targetCheckDue(state, at(0), 86400), true);
    const checked = given(created, ...startedRun('r1', 1), succeeded('r1', at(10).toISOString(), true)).state;
    assert.equal(checked.lastRunId, 'r1');
    assert.equal(checked.lastTargetCheckAt, at(10).toISOString());
    assert.equal(targetCheckDue(checked, at(100), 86400), false);
    assert.equal(targetCheckDue(checked, at(10 + 86400), 86400), true);
    assert.equal(targetCheckDue(checked, at(11), 0), true, 'an interval of 0 checks on every run');
  });

  it('moves the ledger to each ended run but the full-check time only with a full check', () => {
    const trusting = given(created, ...startedRun('r1', 1), succeeded('r1', at(10).toISOString(), true), ...startedRun('r2', 2), succeeded('r2', at(50).toISOString(), false)).state;
    assert.equal(trusting.lastRunId, 'r2');
    assert.equal(trusting.lastTargetCheckAt, at(10).toISOString());
    const cancelled = evolveMirror(trusting, { type: 'MirrorCancelled', data: { mirrorId: 'ns/repo', runId: 'r3', summary: null, nextSyncAt: at(7200).toISOString() } } as MirrorEvent);
    assert.equal(cancelled.lastRunId, 'r3');
    assert.equal(cancelled.lastTargetCheckAt, at(10).toISOString());
  });
});

describe('the record of when Ferry first saw each upstream tag', () => {
  const succeeded = (runId: string, tagsSeen: RunSummary['tagsSeen']): NewEvent<MirrorEvent> => ({
    type: 'MirrorSucceeded',
    data: { mirrorId: 'ns/repo', runId, summary: { ...summary, tagsSeen }, nextSyncAt: at(3600).toISOString() },
  });
  it('grows with each run that lists a new tag, keeping the first sighting', () => {
    const { state } = given(
      created,
      succeeded('r1', { first: { 'v3.1': at(0).toISOString() }, gone: [] }),
      succeeded('r2', { first: { 'v3.2': at(60).toISOString() }, gone: [] }),
    );
    assert.deepEqual(state.tagsFirstSeen, { 'v3.1': at(0).toISOString(), 'v3.2': at(60).toISOString() });
  });
  it('forgets what it saw of an upstream the mirror no longer follows', () => {
    const { state } = given(
      created,
      succeeded('r1', { first: { 'v3.1': at(0).toISOString() }, gone: [] }),
      { type: 'MirrorUpdated', data: { mirrorId: 'ns/repo', config: { ...config, externalReference: 'quay.io/other/repo' }, nextSyncAt: config.syncStartDate } },
    );
    assert.deepEqual(state.tagsFirstSeen, {});
  });
  it('keeps it across a change that leaves the upstream as it is', () => {
    const { state } = given(
      created,
      succeeded('r1', { first: { 'v3.1': at(0).toISOString() }, gone: [] }),
      { type: 'MirrorUpdated', data: { mirrorId: 'ns/repo', config: { ...config, syncInterval: 7200 }, nextSyncAt: config.syncStartDate } },
    );
    assert.deepEqual(state.tagsFirstSeen, { 'v3.1': at(0).toISOString() });
  });
});

describe('pushes from an upstream hook', () => {
  const push = (tags: string[], seconds = 1): NewEvent<MirrorEvent> => ({ type: 'MirrorPushReceived', data: { mirrorId: 'ns/repo', hookId: 'h1', tags, receivedAt: at(seconds).toISOString() } });
  // Past the start date the grid's next point is an hour away: only pushes make it due.
  const idle = () => given(created, scheduled(1, 60), { type: 'MirrorSucceeded', data: { mirrorId: 'ns/repo', runId: 'r1', summary, nextSyncAt: at(3600).toISOString() } });
  const scheduleAt = (s: number) => ({ kind: 'schedule-run', runId: 'r2', now: at(s), leaseSeconds: 60 }) as const;
  const data = (events: NewEvent<MirrorEvent>[]) => events[0]?.data as { trigger: string; tags?: string[]; runId: string };

  it('records the pushed tags, once each', () => {
    assert.deepEqual(idle().when({ kind: 'receive-push', hookId: 'h1', tags: ['v3.2', 'v3.1', 'v3.2'], now: at(5) })[0]?.data, { mirrorId: 'ns/repo', hookId: 'h1', tags: ['v3.1', 'v3.2'], receivedAt: at(5).toISOString() });
  });
  it('records nothing for a disabled mirror', () => {
    const disabled = given(created, { type: 'MirrorUpdated', data: { mirrorId: 'ns/repo', config: { ...config, isEnabled: false }, nextSyncAt: config.syncStartDate } });
    assert.deepEqual(disabled.when({ kind: 'receive-push', hookId: 'h1', tags: ['v3.1'], now: at(5) }), []);
  });
  it('makes the mirror due, and a burst one push run of every pushed tag', () => {
    const burst = given(created, scheduled(1, 60), { type: 'MirrorSucceeded', data: { mirrorId: 'ns/repo', runId: 'r1', summary, nextSyncAt: at(3600).toISOString() } }, push(['v3.1']), push(['v3.2']), push(['v3.1']));
    assert.equal(isDue(burst.state, at(2)), true);
    const run = data(burst.when(scheduleAt(2)));
    assert.deepEqual([run.trigger, run.tags], ['push', ['v3.1', 'v3.2']]);
  });
  it('is taken by the run it scheduled: the next schedule-run finds nothing pushed', () => {
    const events = [created, scheduled(1, 60), { type: 'MirrorSucceeded', data: { mirrorId: 'ns/repo', runId: 'r1', summary, nextSyncAt: at(3600).toISOString() } } as NewEvent<MirrorEvent>, push(['v3.1'])];
    const [pushRun] = given(...events).when(scheduleAt(2));
    const after = given(...events, pushRun!, { type: 'MirrorSucceeded', data: { mirrorId: 'ns/repo', runId: 'r2', summary, nextSyncAt: at(3600).toISOString() } });
    assert.equal(isDue(after.state, at(3)), false);
  });
  it('waits for the end of a running run, then runs on its own', () => {
    const running = given(created, scheduled(1, 600), push(['v3.1']));
    assert.deepEqual(running.when(scheduleAt(2)), [], 'the lease still holds the mirror');
    const ended = given(created, scheduled(1, 600), push(['v3.1']), { type: 'MirrorSucceeded', data: { mirrorId: 'ns/repo', runId: 'r1', summary, nextSyncAt: at(3600).toISOString() } });
    assert.deepEqual(data(ended.when(scheduleAt(3))).tags, ['v3.1']);
  });
  it('survives a takeover of the run it arrived during: the reclaimed run keeps its own tags', () => {
    const taken = given(created, scheduled(1, 60), push(['v3.1']));
    const reclaim = data(taken.when(scheduleAt(61)));
    assert.deepEqual([reclaim.runId, reclaim.tags], ['r1', undefined]);
    const [event] = taken.when(scheduleAt(61));
    const after = given(created, scheduled(1, 60), push(['v3.1']), event!);
    assert.deepEqual(after.state.pushedTags, ['v3.1']);
  });
  it('runs every tag, as a push run, once more tags are pushed than a run takes by name', () => {
    const many = Array.from({ length: MAX_PUSHED_TAGS + 1 }, (_, i) => `v3.${i}`);
    const flooded = given(created, scheduled(1, 60), { type: 'MirrorSucceeded', data: { mirrorId: 'ns/repo', runId: 'r1', summary, nextSyncAt: at(3600).toISOString() } }, push(many.slice(0, 300)), push(many.slice(300)));
    const run = data(flooded.when(scheduleAt(2)));
    assert.deepEqual([run.trigger, run.tags], ['push', undefined]);
  });
  it('joins a scheduled run that is due anyway: a full run, no tag list', () => {
    const due = given(created, push(['v3.1']));
    const run = data(due.when(scheduleAt(2)));
    assert.deepEqual([run.trigger, run.tags], ['schedule', undefined]);
  });
  it("a push run's end leaves the last full run as the one later runs trust, and the schedule where it was", () => {
    const before = idle();
    const [pushRun] = given(created, scheduled(1, 60), { type: 'MirrorSucceeded', data: { mirrorId: 'ns/repo', runId: 'r1', summary, nextSyncAt: at(3600).toISOString() } }, push(['v3.1'])).when(scheduleAt(2));
    const running = given(created, scheduled(1, 60), { type: 'MirrorSucceeded', data: { mirrorId: 'ns/repo', runId: 'r1', summary, nextSyncAt: at(3600).toISOString() } }, push(['v3.1']), pushRun!);
    const [done] = running.when({ kind: 'complete-run', runId: 'r2', fencingToken: 2, outcome: 'succeeded', summary: { ...summary, targetChecked: true, startedAt: at(2).toISOString() }, now: at(3), jitter: 0 });
    assert.equal((done?.data as { nextSyncAt: string }).nextSyncAt, at(3600).toISOString());
    const after = evolveMirror(running.state, done as MirrorEvent);
    assert.deepEqual([after.lastRunId, after.lastTargetCheckAt], [before.state.lastRunId, before.state.lastTargetCheckAt]);
  });
});

describe('an update that changes nothing', () => {
  it('appends no event, whatever the run; a real change still does', () => {
    assert.deepEqual(given(created).when({ kind: 'update', config: { ...config }, now: at(3) }), []);
    // A field absent on one side and undefined on the other is the same stored settings.
    assert.deepEqual(given(created).when({ kind: 'update', config: { ...config, orgMirror: undefined }, now: at(3) }), []);
    assert.deepEqual(given(created, scheduled()).when({ kind: 'update', config: { ...config }, now: at(3) }), []);
    assert.equal(given(created).when({ kind: 'update', config: { ...config, syncInterval: config.syncInterval + 1 }, now: at(3) })[0]?.type, 'MirrorUpdated');
  });
});
