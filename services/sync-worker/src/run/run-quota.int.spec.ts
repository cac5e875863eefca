import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateSubject, AggregateKind, serviceActor } from '@ferry/contracts';
import { EventStore, handleCommand, loadState, type Causation } from '@ferry/event-store';
import { quotaDecider, usageBytes, type QuotaCommand } from '@ferry/mirror';
import { SyncError } from '@ferry/sync-engine';
import { TEST_NATS_URL, testEventLogNames } from '@ferry/testing';
import { QUOTA_EXCEEDED, RunQuota } from './run-quota';

/** A run's admission under its namespace's quota and the usage it records, on a real log. */
describe("a run and its namespace's quota (real NATS)", () => {
  let store: EventStore;
  const causation: Causation = { correlationId: 'int-spec', causationId: 'int-spec', actor: serviceActor('sync-worker') };
  const quota = (command: QuotaCommand) => handleCommand(store, aggregateSubject(store.prefix, AggregateKind.Quota, command.namespace), command.namespace, quotaDecider, command, causation);
  const state = async (namespace: string) => loadState(store, aggregateSubject(store.prefix, AggregateKind.Quota, namespace), quotaDecider);
  const run = (namespace: string, repository: string, runId: string) => new RunQuota(store, causation, { namespace, repository, runId, fencingToken: 1 });

  before(async () => {
    store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...testEventLogNames() });
  });

  after(async () => {
    await store.destroyStream();
    await store.close();
  });

  it('appends nothing for a run in a namespace without a quota, whatever it wrote', async () => {
    const nothing = run('free', 'app', 'r1');
    assert.equal(await nothing.hasHardLimit(), false);
    await nothing.record(0);
    const wrote = run('free', 'app', 'r2');
    assert.equal(await wrote.hasHardLimit(), false);
    await wrote.record(4096);
    assert.equal((await state('free')).lastSequence, 0, 'no quota event on the namespace');
  });

  it("records what a run wrote under a quota without a hard limit, from the quota's baseline", async () => {
    await quota({ kind: 'create-quota', namespace: 'soft', limitBytes: 10_000, usage: { app: 1000 } });
    const wrote = run('soft', 'app', 'r1');
    assert.equal(await wrote.hasHardLimit(), false);
    await wrote.record(24);
    assert.equal(usageBytes((await state('soft')).state), 1024);
  });

  it('refuses a run past the hard limit before it writes, counting runs in flight, and lets one within it reserve its bytes', async () => {
    await quota({ kind: 'create-quota', namespace: 'acme', limitBytes: 1000, usage: { done: 600 } });
    await quota({ kind: 'create-limit', namespace: 'acme', quotaId: 1, limitType: 'Reject', thresholdPercent: 100 });

    const first = run('acme', 'a', 'r1');
    assert.equal(await first.hasHardLimit(), true);
    await first.admit(300);
    const stored = (await state('acme')).lastSequence;
    await assert.rejects(run('acme', 'b', 'r2').admit(101), (error: unknown) => {
      assert.ok(error instanceof SyncError);
      assert.equal(error.code, QUOTA_EXCEEDED);
      assert.equal(error.retryable, false);
      assert.match(error.message, /101 bytes.*acme\/b.*hard \(Reject\) limit/);
      return true;
    });
    assert.equal((await state('acme')).lastSequence, stored, 'a refusal stores nothing');
    const second = run('acme', 'b', 'r3');
    assert.equal(await second.hasHardLimit(), true);
    await second.admit(100);

    // The first run wrote less than it planned: its usage replaces its reservation.
    await first.record(250);
    const after = (await state('acme')).state;
    assert.equal(usageBytes(after), 850);
    assert.deepEqual(Object.keys(after.reserved), ['b']);
  });
});
