import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateSubject, AggregateKind } from '@ferry/contracts';
import { EventStore } from '@ferry/event-store';
import { createTestDatabase, pushImage, startRegistry, testEventLogNames, TEST_NATS_URL, type RunningRegistry, type TestDatabase } from '@ferry/testing';
import { apiClient, createOrganizationWithRobot, onDemandMirrorBody } from './api-client';
import { destroyEventLog, readEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';
import { runEnded, timeToStart, type TimeToStart } from './time-to-start';

/** Long, so that a start that waited for the scheduler's tick cannot pass for a prompt one. */
const INTERVAL_SECONDS = 60;
/** Well before the interval; `npm run bench` measures the real figures (about a second at p95). */
const PROMPTLY_MS = 10_000;
const TRIES = 3;
const TAGS = ['v1', 'v2', 'v3', 'v4'];

describe(`starting runs with REPO_MIRROR_INTERVAL=${INTERVAL_SECONDS} and two schedulers`, () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let store: EventStore;
  const names = testEventLogNames();
  const api = apiClient(() => ferry);
  const mirrors = Array.from({ length: TRIES }, (_, i) => `quick/app-${i}`);
  const firstRuns = new Map<string, TimeToStart>();

  before(async () => {
    [upstream, target, db] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase()]);
    for (const tag of TAGS) await pushImage(upstream, 'tiny/app', tag, { mediaType: 'oci', layers: [{ seed: `tiny-${tag}`, size: 1024 }] });
    ferry = await startFerry({ ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }), REPO_MIRROR_INTERVAL: String(INTERVAL_SECONDS) });
    ferry.start('scheduler', {}, 'scheduler-2');
    store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...names });
    await createOrganizationWithRobot(api, 'quick');
  });

  after(async () => {
    await store?.close();
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop()]);
    await db?.drop();
  });

  it('starts a new mirror\'s first run within seconds when its start date has passed, not at the next tick', async () => {
    const past = new Date(Date.now() - 60_000).toISOString().slice(0, 19) + 'Z';
    for (const id of mirrors) {
      const timing = await timeToStart(store, id, async () => {
        const res = await api('POST', `/repository/${id}/mirror`, onDemandMirrorBody(`${upstream.host}/tiny/app`, 'quick+syncer', TAGS, { sync_start_date: past }));
        assert.equal(res.status, 201, JSON.stringify(res.json));
      });
      assert.ok(timing.startedMs < PROMPTLY_MS, `${id}'s first run started ${timing.startedMs} ms after its creation (${JSON.stringify(timing)})`);
      firstRuns.set(id, timing);
    }
  });

  it('starts a sync-now within seconds, not at the next tick', async () => {
    for (const id of mirrors) {
      const first = firstRuns.get(id);
      assert.ok(first, `${id}'s first run started`);
      assert.equal((await runEnded(store, id, first.startedPosition)).type, 'MirrorSucceeded');
      const timing = await timeToStart(store, id, async () => {
        const res = await api('POST', `/repository/${id}/mirror/sync-now`);
        assert.equal(res.status, 204, JSON.stringify(res.json));
      });
      assert.ok(timing.startedMs < PROMPTLY_MS, `${id}'s sync-now started ${timing.startedMs} ms after the request (${JSON.stringify(timing)})`);
    }
  });

  it('issues each of those runs once, though both schedulers wake on the same events', async () => {
    const events = await readEventLog(names);
    for (const id of mirrors) {
      const scheduled = events.filter((e) => e.type === 'MirrorRunScheduled' && (e.data as { mirrorId: string }).mirrorId === id);
      assert.equal(scheduled.length, 2, `${id}: one run for its creation and one for its sync-now`);
      assert.deepEqual(scheduled.map((e) => (e.data as { trigger: string }).trigger), ['schedule', 'sync_now']);
    }
  });

  it('starts an organization mirror\'s first discovery within seconds when its start date has passed', async () => {
    // Organization mirroring takes an empty organization of its own.
    await createOrganizationWithRobot(api, 'quickorg');
    const subject = aggregateSubject(store.prefix, AggregateKind.OrgMirror, 'quickorg');
    const from = (await store.lastSequenceOf(subject)) + 1;
    const askedAt = Date.now();
    const res = await api('POST', '/organization/quickorg/mirror', {
      external_registry_type: 'distribution',
      external_registry_url: upstream.url,
      external_namespace: 'tiny',
      robot_username: 'quickorg+syncer',
      visibility: 'private',
      sync_interval: 3600,
      sync_start_date: new Date(Date.now() - 60_000).toISOString().slice(0, 19) + 'Z',
      external_registry_config: { verify_tls: false },
    });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), 30_000);
    let startedAt: number | null = null;
    try {
      for await (const event of store.follow(from, stop.signal, subject)) {
        if (event.type === 'OrgDiscoveryStarted') {
          startedAt = Date.parse(event.occurredAt);
          break;
        }
      }
    } finally {
      clearTimeout(timer);
      stop.abort();
    }
    assert.ok(startedAt !== null, 'the discovery started');
    assert.ok(startedAt - askedAt < PROMPTLY_MS, `the discovery started ${startedAt - askedAt} ms after the organization mirror's creation`);
  });
});
