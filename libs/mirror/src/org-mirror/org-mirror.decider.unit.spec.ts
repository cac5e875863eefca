import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { globTagRule, MirrorStatus, RunOutcome, type NewEvent, type OrgMirrorConfig, type OrgMirrorEvent } from '@ferry/contracts';
import { childMirrorConfig, upstreamReference } from './child-mirror';
import { decideOrgMirror, evolveOrgMirror, initialOrgMirrorState, isDiscoveryDue, vanishedPlan, vanishedRepositories, type ListedPage, type OrgMirrorCommand, type OrgMirrorState } from './org-mirror.decider';
import { testOrgMirrorConfig } from '@ferry/testing';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const config: OrgMirrorConfig = testOrgMirrorConfig({ syncStartDate: T0.toISOString() });

/** Folds `events` as the store would hand them back (with an occurredAt), then decides `command`. */
function given(...events: NewEvent<OrgMirrorEvent>[]) {
  const state = events.reduce<OrgMirrorState>((s, e, i) => evolveOrgMirror(s, { ...e, occurredAt: at(i).toISOString() } as OrgMirrorEvent), initialOrgMirrorState());
  return { state, when: (command: OrgMirrorCommand) => decideOrgMirror(command, state) };
}
const then = (state: OrgMirrorState, events: NewEvent<OrgMirrorEvent>[]) => events.reduce((s, e) => evolveOrgMirror(s, { ...e, occurredAt: at(100).toISOString() } as OrgMirrorEvent), state);

const created: NewEvent<OrgMirrorEvent> = { type: 'OrgMirrorCreated', data: { organization: 'acme', config, nextSyncAt: config.syncStartDate } };
const scheduled = (token = 1, runId = 'd1'): NewEvent<OrgMirrorEvent> => ({ type: 'OrgDiscoveryScheduled', data: { organization: 'acme', runId, trigger: 'schedule', fencingToken: token, leaseExpiresAt: at(60).toISOString() } });
const started = (token = 1, runId = 'd1'): NewEvent<OrgMirrorEvent> => ({
  type: 'OrgDiscoveryStarted',
  data: { organization: 'acme', runId, trigger: 'schedule', fencingToken: token, worker: 'w/1', resumed: false, leaseExpiresAt: at(60).toISOString() },
});
const repo = (name: string) => ({ repository: name, upstream: name });
const page = (n: number, cursor: string | null, matched: string[], added: string[] = matched, token = 1, runId = 'd1'): NewEvent<OrgMirrorEvent> => ({
  type: 'OrgDiscoveryPageListed',
  data: { organization: 'acme', runId, fencingToken: token, page: n, cursor, listed: matched.length, matched: matched.map(repo), added: added.map(repo), failed: [], leaseExpiresAt: at(120).toISOString() },
});
const complete = (state: OrgMirrorState, extra: Partial<Extract<OrgMirrorCommand, { kind: 'complete-discovery' }>> = {}) =>
  decideOrgMirror({ kind: 'complete-discovery', runId: state.run!.runId, fencingToken: state.run!.fencingToken, outcome: RunOutcome.Succeeded, now: at(200), jitter: 0, ...extra }, state);

describe('an organization mirror', () => {
  it('is one per organization, due at its start date, and not while disabled unless asked to sync now', () => {
    const { state, when } = given(created);
    assert.throws(() => when({ kind: 'create', config }), { code: 'ORG_MIRROR_ALREADY_EXISTS' });
    assert.equal(isDiscoveryDue(state, at(-1)), false);
    assert.equal(isDiscoveryDue(state, at(0)), true);
    const disabled = then(state, [{ type: 'OrgMirrorUpdated', data: { organization: 'acme', config: { ...config, isEnabled: false }, nextSyncAt: config.syncStartDate } }]);
    assert.equal(isDiscoveryDue(disabled, at(10)), false);
    assert.equal(isDiscoveryDue(then(disabled, decideOrgMirror({ kind: 'request-sync-now' }, disabled)), at(10)), true);
  });

  it('refuses what needs a mirror when there is none, and after it was deleted', () => {
    assert.throws(() => given().when({ kind: 'request-sync-now' }), { code: 'ORG_MIRROR_NOT_FOUND' });
    const deleted = given(created, { type: 'OrgMirrorDeleted', data: { organization: 'acme', deleteRepositories: false } });
    assert.throws(() => deleted.when({ kind: 'update', config }), { code: 'ORG_MIRROR_NOT_FOUND' });
    assert.equal(deleted.when({ kind: 'create', config })[0]?.type, 'OrgMirrorCreated');
  });
});

describe('sync-now and cancel, as Quay answers them', () => {
  it('refuses sync-now while a discovery runs, and takes it again once it ended', () => {
    const running = given(created, scheduled(), started());
    assert.throws(() => running.when({ kind: 'request-sync-now' }), { code: 'DISCOVERY_IN_PROGRESS', message: 'Cannot trigger sync: discovery is currently in progress.' });
    assert.deepEqual(given(created, { type: 'OrgMirrorSyncNowRequested', data: { organization: 'acme' } }).when({ kind: 'request-sync-now' }), [], 'asked twice: once');
  });

  it('cancels from any status but CANCEL: a running discovery, a requested one, or nothing (CANCEL, the schedule kept)', () => {
    const running = given(created, scheduled(), started());
    assert.deepEqual(running.when({ kind: 'cancel', now: at(5) }), [{ type: 'OrgDiscoveryCancelRequested', data: { organization: 'acme', runId: 'd1' } }]);
    const idle = given(created);
    const events = idle.when({ kind: 'cancel', now: at(5) });
    assert.deepEqual(events, [{ type: 'OrgDiscoveryCancelRequested', data: { organization: 'acme', runId: null } }]);
    const cancelled = then(idle.state, events);
    assert.equal(cancelled.status, MirrorStatus.Cancel);
    assert.equal(cancelled.nextSyncAt, idle.state.nextSyncAt);
    assert.equal(isDiscoveryDue(cancelled, at(0)), true, 'the scheduled discovery still comes');
    const requested = given(created, { type: 'OrgMirrorSyncNowRequested', data: { organization: 'acme' } });
    assert.equal(then(requested.state, requested.when({ kind: 'cancel', now: at(5) })).status, MirrorStatus.Cancel);
  });

  it('refuses a second cancel with Quay\'s words', () => {
    const once = given(created, { type: 'OrgDiscoveryCancelRequested', data: { organization: 'acme', runId: null } });
    assert.throws(() => once.when({ kind: 'cancel', now: at(5) }), { code: 'ALREADY_CANCELLED', message: 'Cannot cancel: mirror is already cancelled' });
    const running = given(created, scheduled(), started(), { type: 'OrgDiscoveryCancelRequested', data: { organization: 'acme', runId: 'd1' } });
    assert.throws(() => running.when({ kind: 'cancel', now: at(5) }), { code: 'ALREADY_CANCELLED' });
  });
});

describe('a discovery', () => {
  it('is scheduled with the next fencing token, started once, and resumed after its lease from its last page', () => {
    const [event] = given(created).when({ kind: 'schedule-discovery', runId: 'd1', now: at(5), leaseSeconds: 60 });
    assert.equal(event?.type, 'OrgDiscoveryScheduled');
    const running = given(created, scheduled(), started(), page(1, 'c1', ['a', 'b']));
    assert.deepEqual(running.when({ kind: 'start-discovery', runId: 'd1', fencingToken: 1, worker: 'w/1', now: at(6), leaseSeconds: 60 }), []);
    assert.deepEqual(running.when({ kind: 'schedule-discovery', runId: 'd2', now: at(30), leaseSeconds: 60 }), [], 'its lease, renewed by the page, holds');
    const [reassigned] = running.when({ kind: 'schedule-discovery', runId: 'd2', now: at(121), leaseSeconds: 60 });
    assert.equal(reassigned?.type, 'OrgDiscoveryScheduled');
    assert.equal((reassigned?.data as { runId: string; fencingToken: number }).runId, 'd1', 'the same discovery, not a new one');
    const resumedState = then(running.state, [reassigned!]);
    assert.equal(resumedState.run?.cursor, 'c1', 'it goes on from the checkpoint');
    const [resumed] = decideOrgMirror({ kind: 'start-discovery', runId: 'd1', fencingToken: 2, worker: 'w/2', now: at(122), leaseSeconds: 60 }, resumedState);
    assert.equal((resumed?.data as { resumed: boolean }).resumed, true);
    assert.throws(() => decideOrgMirror({ kind: 'record-page', runId: 'd1', fencingToken: 1, page: { cursor: null, listed: 0, matched: [], added: [], failed: [] }, now: at(123), leaseSeconds: 60 }, resumedState), { code: 'STALE_RUN' }, 'the old worker can no longer record');
  });

  it('keeps its lease while a page takes long, and a stale worker can neither renew nor give it back', () => {
    const running = given(created, scheduled(), started(), page(1, 'c1', ['a']));
    const [renewed] = running.when({ kind: 'renew-discovery-lease', runId: 'd1', fencingToken: 1, now: at(100), leaseSeconds: 60 });
    assert.equal(renewed?.type, 'OrgDiscoveryLeaseRenewed');
    const held = then(running.state, [renewed!]);
    assert.equal(isDiscoveryDue(held, at(159)), false, 'not reassigned while the renewed lease holds');
    assert.equal(isDiscoveryDue(held, at(160)), true);
    assert.throws(() => running.when({ kind: 'renew-discovery-lease', runId: 'd1', fencingToken: 0, now: at(100), leaseSeconds: 60 }), { code: 'STALE_RUN' });
    assert.throws(() => running.when({ kind: 'release-discovery-lease', runId: 'd9', fencingToken: 1, now: at(100) }), { code: 'STALE_RUN' });
  });

  it('given back by a stopping worker, is due at once and resumed from its checkpoint', () => {
    const running = given(created, scheduled(), started(), page(1, 'c1', ['a']));
    const released = then(running.state, running.when({ kind: 'release-discovery-lease', runId: 'd1', fencingToken: 1, now: at(10) }));
    assert.equal(isDiscoveryDue(released, at(10)), true);
    const [reassigned] = decideOrgMirror({ kind: 'schedule-discovery', runId: 'd2', now: at(11), leaseSeconds: 60 }, released);
    assert.deepEqual([(reassigned?.data as { runId: string }).runId, then(released, [reassigned!]).run?.cursor], ['d1', 'c1']);
  });

  it('records each page with its cursor, and its repositories once', () => {
    const { state } = given(created, scheduled(), started(), page(1, 'c1', ['a', 'b']), page(2, null, ['c']));
    assert.deepEqual(Object.keys(state.repositories).sort(), ['a', 'b', 'c']);
    assert.equal(state.run?.complete, true);
    assert.equal(state.run?.pages, 2);
    const p: ListedPage = { cursor: null, listed: 1, matched: [repo('d')], added: [repo('d')], failed: [] };
    assert.deepEqual(decideOrgMirror({ kind: 'record-page', runId: 'd1', fencingToken: 1, page: p, now: at(5), leaseSeconds: 60 }, state), [], 'nothing after the last page');
  });

  it('ends with what it found, and the next run at the grid point', () => {
    const { state } = given(created, scheduled(), started(), page(1, null, ['a', 'b']));
    const [done] = complete(state);
    assert.equal(done?.type, 'OrgDiscoveryCompleted');
    const data = done!.data as Extract<OrgMirrorEvent, { type: 'OrgDiscoveryCompleted' }>['data'];
    assert.deepEqual({ added: data.summary.added, matched: data.summary.matched, vanished: data.summary.vanished }, { added: ['a', 'b'], matched: 2, vanished: [] });
    assert.equal(data.nextSyncAt, at(3600).toISOString());
    assert.equal(then(state, [done!]).status, MirrorStatus.Success);
  });
});

describe('repositories gone upstream', () => {
  const firstRun = [created, scheduled(1, 'd1'), started(1, 'd1'), page(1, null, ['a', 'b', 'c'])];
  const secondRun = (matched: string[]) => {
    const first = given(...firstRun).state;
    const afterFirst = then(first, complete(first));
    return then(afterFirst, [scheduled(2, 'd2'), started(2, 'd2'), page(1, null, matched, [], 2, 'd2')]);
  };

  it('are those set up before that a complete listing did not select, and none on an incomplete one', () => {
    assert.deepEqual(vanishedRepositories(secondRun(['a'])), ['b', 'c']);
    const first = given(...firstRun).state;
    const partial = then(then(first, complete(first)), [scheduled(2, 'd2'), started(2, 'd2'), page(1, 'c1', ['a'], [], 2, 'd2')]);
    assert.deepEqual(vanishedRepositories(partial), []);
    const [failed] = complete(partial, { outcome: RunOutcome.Failed, error: { code: 'UPSTREAM_UNREACHABLE', message: 'down' }, retryable: true });
    assert.deepEqual((failed!.data as { summary: { vanished: string[] } }).summary.vanished, [], 'a failed listing decides nothing');
  });

  it('under report are marked once and stopped, and listed again they come back', () => {
    const state = secondRun(['a']);
    assert.deepEqual(vanishedPlan(state), { vanished: ['b', 'c'], remove: [], stop: ['b', 'c'], refused: null });
    const after = then(state, complete(state));
    assert.ok(after.repositories.b?.vanishedAt);
    const third = then(after, [scheduled(3, 'd3'), started(3, 'd3'), page(1, null, ['a', 'b'], [], 3, 'd3')]);
    assert.equal(third.repositories.b?.vanishedAt, null, 'b is back');
    assert.deepEqual(vanishedPlan(third).stop, [], 'c was stopped already');
  });

  it('under delete go within the cap, or none go and the discovery says so', () => {
    const deleting = (maxDelete: OrgMirrorConfig['vanished']['maxDelete']) => {
      const withPolicy: NewEvent<OrgMirrorEvent> = { type: 'OrgMirrorUpdated', data: { organization: 'acme', config: { ...config, vanished: { action: 'delete', maxDelete } }, nextSyncAt: config.syncStartDate } };
      return then(secondRun(['a']), [withPolicy]);
    };
    assert.deepEqual(vanishedPlan(deleting({ count: 2 })).remove, ['b', 'c']);
    const capped = deleting({ percent: 50 });
    const plan = vanishedPlan(capped);
    assert.deepEqual(plan, { vanished: ['b', 'c'], remove: [], stop: [], refused: { wouldDelete: 2, allowed: 1 } });
    const removed = deleting(null);
    const after = then(removed, complete(removed, { deleted: ['b', 'c'] }));
    assert.deepEqual(Object.keys(after.repositories), ['a']);
  });
});

describe("a discovered repository's mirror", () => {
  it("takes the organization's settings for its upstream repository, and runs from its discovery", () => {
    const child = childMirrorConfig(config, { repository: 'app', upstream: 'app', syncStartDate: at(50).toISOString() });
    assert.equal(child.externalReference, '127.0.0.1:5001/team/app');
    assert.deepEqual(child.orgMirror, { organization: 'acme', upstream: 'app' });
    assert.equal(child.robotUsername, 'acme+mirror');
    assert.equal(child.syncStartDate, at(50).toISOString());
    assert.equal(childMirrorConfig(config, { repository: 'app', upstream: 'app', syncStartDate: T0.toISOString(), stopped: true }).isEnabled, false);
    assert.equal(upstreamReference({ ...config, externalRegistryType: 'dockerhub', externalRegistryUrl: 'https://hub.docker.com', externalNamespace: 'library' }, 'nginx'), 'docker.io/library/nginx');
    assert.equal(upstreamReference({ ...config, externalNamespace: '' }, 'x/y'), '127.0.0.1:5001/x/y');
  });
});

describe('an organization mirror update that changes nothing', () => {
  it('appends no event; a real change still does', () => {
    assert.deepEqual(given(created).when({ kind: 'update', config: { ...config } }), []);
    assert.equal(given(created).when({ kind: 'update', config: { ...config, syncInterval: config.syncInterval + 1 } })[0]?.type, 'OrgMirrorUpdated');
  });
});
