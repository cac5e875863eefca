import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredEvent } from '@ferry/contracts';
import {
  createTestDatabase,
  eventually,
  pushImage,
  startNatsServer,
  startPostgresCluster,
  startRegistry,
  startSlowUpstream,
  tagDigests,
  testEventLogNames,
  type RestartableServer,
  type RunningRegistry,
  type SlowUpstream,
  type TestDatabase,
} from '@ferry/testing';
import { apiClient, createOrganizationWithRobot, onDemandMirrorBody, type Api } from './api-client';
import { documentedFetch } from './api-document';
import { destroyEventLog, readEventLog } from './event-log';
import { SERVICES, startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';
import { assertNatsConnectionLostAndBack, assertOutageRiddenOut } from './log-assertions';
import { startReceiver, type Receiver } from './receivers';

const MiB = 1024 * 1024;

/** Starts a sync-now of a big image behind a slow upstream and waits until the run is copying. */
async function startSlowRun(api: Api, mirror: string): Promise<void> {
  assert.equal((await api('POST', `${mirror}/sync-now`)).status, 204);
  await eventually(async () => ((await api('GET', mirror)).json.sync_status === 'SYNCING' ? true : undefined), 30_000, 'the run to start');
}

async function waitForOutcome(api: Api, mirror: string): Promise<string> {
  return eventually(
    async () => {
      const view = (await api('GET', mirror)).json;
      return view?.last_run_id && ['SUCCESS', 'FAIL'].includes(view.sync_status) ? (view.sync_status as string) : undefined;
    },
    180_000,
    'the run to end',
  );
}

/** One run, one start, one end: nothing lost or doubled by the outage. */
function assertOneRun(events: StoredEvent[]): void {
  const runs = new Set(events.filter((e) => e.type === 'MirrorRunScheduled').map((e) => (e.data as { runId: string }).runId));
  assert.equal(runs.size, 1, `one run: ${[...runs].join(', ')}`);
  const terminal = events.filter((e) => ['MirrorSucceeded', 'MirrorFailed', 'MirrorCancelled'].includes(e.type));
  assert.deepEqual(terminal.map((e) => e.type), ['MirrorSucceeded']);
  const tags = events.filter((e) => e.type === 'MirrorTagSynced').map((e) => (e.data as { tag: string }).tag);
  assert.deepEqual(tags, ['v1'], 'the tag is recorded once');
}

describe('outages end, Ferry does not', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let slow: SlowUpstream;

  before(async () => {
    [upstream, target] = await Promise.all([startRegistry(), startRegistry()]);
    await pushImage(upstream, 'big/app', 'v1', { mediaType: 'oci', layers: [{ seed: 'outage-layer', size: 16 * MiB }] });
    slow = await startSlowUpstream(upstream.url);
  });

  after(async () => {
    await slow?.close();
    await Promise.all([upstream?.stop(), target?.stop()]);
  });

  describe('a private nats-server stopped for 60 s mid-run', () => {
    const names = testEventLogNames();
    let nats: RestartableServer;
    let db: TestDatabase;
    let ferry: FerryProcesses;
    let hooks: Receiver;
    const api = apiClient(() => ferry);
    const mirror = '/repository/natsout/app/mirror';

    before(async () => {
      [nats, db, hooks] = await Promise.all([startNatsServer(), createTestDatabase(), startReceiver()]);
      ferry = await startFerry({ ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }), NATS_URL: nats.url, FERRY_RUN_LEASE_SECONDS: '20' });
      await createOrganizationWithRobot(api, 'natsout');
      assert.equal((await api('POST', mirror, onDemandMirrorBody(`${slow.host}/big/app`, 'natsout+syncer', ['v1']))).status, 201);
      const rule = await api('POST', '/repository/natsout/app/notification/', { event: 'repo_mirror_sync_success', method: 'webhook', config: { url: `${hooks.url}/done` } });
      assert.equal(rule.status, 201, JSON.stringify(rule.json));
    });

    after(async () => {
      await ferry?.stopAll();
      await nats?.destroy();
      await Promise.all([db?.drop(), hooks?.close()]);
    });

    it('finishes the run once, loses and doubles nothing, and answers again within seconds of NATS\'s return', async () => {
      slow.setBytesPerSecond(256 * 1024);
      await startSlowRun(api, mirror);
      await nats.stop();
      const down = Date.now();
      // While NATS is away: reads of the read models still answer; commands and readiness say 503.
      assert.equal((await api('GET', mirror)).status, 200);
      const refused = await documentedFetch(`${ferry.apiUrl}/api/v1${mirror}/sync-cancel`, { method: 'POST', headers: { authorization: `Bearer ${ferry.adminToken}` } });
      assert.equal(refused.status, 503);
      assert.ok(refused.headers.get('retry-after'));
      assert.equal(((await refused.json()) as { code: string }).code, 'DEPENDENCY_UNAVAILABLE');
      const ready = await documentedFetch(`${ferry.apiUrl}/readyz`);
      assert.equal(ready.status, 503);
      assert.equal(((await ready.json()) as { checks: { nats: { ok: boolean } } }).checks.nats.ok, false);
      slow.setBytesPerSecond(0);
      await new Promise((r) => setTimeout(r, Math.max(0, 60_000 - (Date.now() - down))));
      await nats.start();
      const back = Date.now();
      await eventually(async () => ((await documentedFetch(`${ferry.apiUrl}/readyz`)).status === 200 ? true : undefined), 30_000, 'readiness after NATS is back');
      assert.ok(Date.now() - back < 30_000);
      const outcome = await waitForOutcome(api, mirror);
      const run = (await api('GET', `${mirror}/runs/${(await api('GET', mirror)).json.last_run_id}`)).json;
      assert.equal(outcome, 'SUCCESS', `${JSON.stringify(run)}\n${ferry.output().slice(-3000)}`);
      assertOneRun(await readEventLog(names, nats.url));
      assert.deepEqual(await tagDigests(target, 'natsout/app'), await tagDigests(upstream, 'big/app'));
      // The notifier's consumer resumed: the run's notification arrives, once.
      const first = (await api('GET', mirror)).json.last_run_id as string;
      await eventually(async () => (hooks.requests.length >= 1 ? true : undefined), 60_000, 'the notification');
      // Commands work again, and so do the scheduler's tick and the workers' consumer: a new run ends.
      assert.equal((await api('PUT', mirror, { sync_interval: 7200 })).status, 200);
      assert.equal((await api('POST', `${mirror}/sync-now`)).status, 204);
      await eventually(async () => ((await api('GET', mirror)).json.last_run_id !== first ? true : undefined), 60_000, 'a run after the outage');
      await eventually(async () => (hooks.requests.length >= 2 ? true : undefined), 60_000, 'the second notification');
      assert.deepEqual(hooks.requests.map((r) => (JSON.parse(r.body) as { run_id: string }).run_id).sort(), [first, (await api('GET', mirror)).json.last_run_id].sort(), 'one notification per run');
    });

    it('logs the outage once per connection and loop at warn and its end at info, and no error', async () => {
      assertNatsConnectionLostAndBack(ferry.logLines(), SERVICES, 60);
      // The loops that pull from JetStream all through the outage; the others wait only if they ran meanwhile.
      const pulling = { 'sync-worker': ['the run consumer'], notifier: ['the notification consumer'] };
      await eventually(() => (assertOutageRiddenOut(ferry.logLines(), 'NATS', pulling), true), 30_000, 'one warn and one info per loop that waited for NATS');
    });
  });

  describe('a private Postgres stopped for 30 s mid-run', () => {
    const names = testEventLogNames();
    let postgres: RestartableServer;
    let ferry: FerryProcesses;
    const api = apiClient(() => ferry);
    const mirror = '/repository/pgout/app/mirror';

    before(async () => {
      postgres = await startPostgresCluster();
      ferry = await startFerry({ ...testDeploymentEnv({ databaseUrl: postgres.url, names, targetUrl: target.url }) });
      await createOrganizationWithRobot(api, 'pgout');
      assert.equal((await api('POST', mirror, onDemandMirrorBody(`${slow.host}/big/app`, 'pgout+syncer', ['v1']))).status, 201);
    });

    after(async () => {
      await ferry?.stopAll();
      await postgres?.destroy();
      await destroyEventLog(names);
    });

    it('finishes the run once, loses and doubles nothing, and answers again within seconds of Postgres\'s return', async () => {
      slow.setBytesPerSecond(256 * 1024);
      await startSlowRun(api, mirror);
      await postgres.stop();
      const down = Date.now();
      const refused = await documentedFetch(`${ferry.apiUrl}/api/v1${mirror}`, { headers: { authorization: `Bearer ${ferry.adminToken}` } });
      assert.equal(refused.status, 503, await refused.text());
      assert.ok(refused.headers.get('retry-after'));
      const ready = await documentedFetch(`${ferry.apiUrl}/readyz`);
      assert.equal(ready.status, 503);
      assert.equal(((await ready.json()) as { checks: { postgres: { ok: boolean } } }).checks.postgres.ok, false);
      slow.setBytesPerSecond(0);
      await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - down))));
      await postgres.start();
      const back = Date.now();
      await eventually(async () => ((await api('GET', mirror)).status === 200 ? true : undefined), 30_000, 'the API after Postgres is back');
      assert.ok(Date.now() - back < 30_000);
      assert.equal(await waitForOutcome(api, mirror), 'SUCCESS', ferry.output().slice(-3000));
      assertOneRun(await readEventLog(names, ferry.env.NATS_URL!));
      assert.deepEqual(await tagDigests(target, 'pgout/app'), await tagDigests(upstream, 'big/app'));
      await eventually(async () => ((await documentedFetch(`${ferry.apiUrl}/readyz`)).status === 200 ? true : undefined), 30_000, 'readiness after Postgres is back');
    });

    it('logs the outage once per loop at warn and its end at info, and no error', async () => {
      // The loops that use Postgres all through the outage; the notification consumer waits only if an event came meanwhile.
      const polling = { 'mirror-config': ['projection api-read-models'], scheduler: ['projection scheduler-due-mirrors', 'the scheduler tick'], notifier: ['notification delivery'] };
      // A notification put off by the outage is offered again up to 30 s later: that is when its consumer resumes.
      await eventually(() => (assertOutageRiddenOut(ferry.logLines(), 'Postgres', polling), true), 60_000, 'one warn and one info per loop that waited for Postgres');
    });
  });
});
