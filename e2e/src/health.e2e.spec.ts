import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTestDatabase,
  eventually,
  startNatsServer,
  startRegistry,
  startShapingProxy,
  testEventLogNames,
  type RestartableServer,
  type RunningRegistry,
  type ShapingProxy,
  type TestDatabase,
} from '@ferry/testing';
import { documentedFetch } from './api-document';
import { SERVICES, startFerry, testDeploymentEnv, type FerryProcesses, type ServiceName } from './ferry-processes';

interface Readiness {
  status: 'ready' | 'unready';
  checks: Record<string, { ok: boolean; error?: string } | Record<string, { ok: boolean }>>;
}

async function readyz(url: string): Promise<{ status: number; body: Readiness }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as Readiness };
}

/** Each service's /readyz answers `status` (200 or 503). */
async function allAnswer(ferry: FerryProcesses, status: number, what: string): Promise<Record<ServiceName, Readiness>> {
  const answers = {} as Record<ServiceName, Readiness>;
  await Promise.all(
    SERVICES.map(async (service) => {
      answers[service] = await eventually(async () => {
        const answer = await readyz(ferry.metricsUrl(service));
        return answer.status === status ? answer.body : undefined;
      }, 30_000, `${service}'s /readyz to answer ${status} ${what}`);
    }),
  );
  return answers;
}

describe('health on every service', () => {
  const names = testEventLogNames();
  let nats: RestartableServer;
  let db: TestDatabase;
  let target: RunningRegistry;
  /** The target as the sync-worker reaches it: a proxy that drops every connection while `targetDown`. */
  let targetDoor: ShapingProxy;
  let targetDown = false;
  let ferry: FerryProcesses;

  before(async () => {
    [nats, db, target] = await Promise.all([startNatsServer(), createTestDatabase(), startRegistry()]);
    targetDoor = await startShapingProxy(target.url, {
      answer: (req) => {
        if (targetDown) req.socket.destroy();
        return targetDown;
      },
    });
    ferry = await startFerry({ ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: targetDoor.url }), NATS_URL: nats.url });
  });

  after(async () => {
    await ferry?.stopAll();
    await Promise.all([nats?.destroy(), db?.drop(), targetDoor?.stop(), target?.stop()]);
  });

  it('answers /healthz and /readyz on each service\'s metrics port, with the checks that service needs', async () => {
    for (const service of SERVICES) {
      const alive = await fetch(`${ferry.metricsUrl(service)}/healthz`);
      assert.equal(alive.status, 200, service);
      assert.deepEqual(await alive.json(), { status: 'alive' });
    }
    const ready = await allAnswer(ferry, 200, 'once up');
    assert.deepEqual(Object.keys(ready['mirror-config'].checks).sort(), ['nats', 'postgres', 'projections']);
    assert.deepEqual(Object.keys(ready.scheduler.checks).sort(), ['nats', 'postgres', 'projections']);
    assert.deepEqual(Object.keys(ready.notifier.checks).sort(), ['nats', 'postgres']);
    // The sync-worker keeps no tables, and cannot work without the registry it writes to.
    assert.deepEqual(Object.keys(ready['sync-worker'].checks).sort(), ['nats', 'target_registry']);
    // The API's own port answers the same readiness, as its OpenAPI document describes it.
    const onApi = await documentedFetch(`${ferry.apiUrl}/readyz`);
    assert.equal(onApi.status, 200);
    assert.deepEqual(Object.keys(((await onApi.json()) as Readiness).checks).sort(), ['nats', 'postgres', 'projections']);
  });

  it('turns every service unready while its nats-server is stopped, naming NATS, and ready again once it is back', async () => {
    await nats.stop();
    try {
      const unready = await allAnswer(ferry, 503, 'with NATS stopped');
      for (const service of SERVICES) {
        assert.equal(unready[service].status, 'unready');
        assert.equal((unready[service].checks.nats as { ok: boolean }).ok, false, `${service}: ${JSON.stringify(unready[service])}`);
      }
    } finally {
      await nats.start();
    }
    const ready = await allAnswer(ferry, 200, 'after NATS is back');
    for (const service of SERVICES) assert.equal(ready[service].status, 'ready');
  });

  it('turns the sync-worker unready while the target registry is away, and ready again once it is back', async () => {
    targetDown = true;
    try {
      const answer = await eventually(async () => {
        const r = await readyz(ferry.metricsUrl('sync-worker'));
        return r.status === 503 ? r.body : undefined;
      }, 30_000, 'the sync-worker to turn unready');
      assert.equal((answer.checks.target_registry as { ok: boolean }).ok, false);
      assert.equal((answer.checks.nats as { ok: boolean }).ok, true);
      // The others do not write to it.
      assert.equal((await readyz(ferry.metricsUrl('scheduler'))).status, 200);
    } finally {
      targetDown = false;
    }
    await eventually(async () => ((await readyz(ferry.metricsUrl('sync-worker'))).status === 200 ? true : undefined), 30_000, 'the sync-worker to be ready again');
  });

  it('answers 404 for anything else on the metrics port', async () => {
    const res = await fetch(`${ferry.metricsUrl('scheduler')}/api/v1/user/`);
    assert.equal(res.status, 404);
  });
});
