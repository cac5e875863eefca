import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  createTestDatabase,
  eventually,
  pushImage,
  startNatsCluster,
  startRegistry,
  startSlowUpstream,
  tagDigests,
  testEventLogNames,
  type RunningRegistry,
  type SlowUpstream,
  type TestDatabase,
} from '@ferry/testing';
import { apiClient, createOrganizationWithRobot, onDemandMirrorBody, runningRun } from './api-client';
import { documentedFetch } from './api-document';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';
import { readEventLog } from './event-log';
import { assertOutageRiddenOut } from './log-assertions';
import { startReceiver, type Receiver } from './receivers';

const MiB = 1024 * 1024;

describe('Ferry on a three-node NATS cluster', () => {
  const names = testEventLogNames();
  let cluster: Awaited<ReturnType<typeof startNatsCluster>>;
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let slow: SlowUpstream;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let hooks: Receiver;
  const api = apiClient(() => ferry);
  const mirror = '/repository/cluster/app/mirror';
  /** The log as a client reads it, retried while the cluster elects a new stream leader. */
  const readLog = () => eventually(() => readEventLog(names, cluster.urls).catch(() => undefined), 30_000, 'the log to be readable');

  before(async () => {
    [cluster, upstream, target, db, hooks] = await Promise.all([startNatsCluster(), startRegistry(), startRegistry(), createTestDatabase(), startReceiver()]);
    await pushImage(upstream, 'big/app', 'v1', { mediaType: 'oci', layers: [{ seed: 'cluster-layer', size: 8 * MiB }] });
    slow = await startSlowUpstream(upstream.url);
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      NATS_URL: cluster.urls,
      FERRY_STREAM_REPLICAS: '3',
      FERRY_RUN_LEASE_SECONDS: '15',
    });
    await createOrganizationWithRobot(api, 'cluster');
    assert.equal((await api('POST', mirror, onDemandMirrorBody(`${slow.host}/big/app`, 'cluster+syncer', ['v1']))).status, 201);
    const rule = await api('POST', '/repository/cluster/app/notification/', { event: 'repo_mirror_sync_success', method: 'webhook', config: { url: `${hooks.url}/done` } });
    assert.equal(rule.status, 201, JSON.stringify(rule.json));
  });

  after(async () => {
    await ferry?.stopAll();
    await Promise.all([cluster?.destroy(), upstream?.stop(), target?.stop(), db?.drop(), hooks?.close(), slow?.close()]);
  });

  it('keeps the event stream on three replicas', async () => {
    const nc = await connect({ servers: cluster.urls.split(',') });
    try {
      const info = await (await jetstreamManager(nc)).streams.info(names.stream);
      assert.equal(info.config.num_replicas, 3);
      assert.equal(info.cluster?.replicas?.length, 2, 'a leader and two followers');
    } finally {
      await nc.close();
    }
  });

  it("survives the loss of the stream's leader mid-run: the run completes once, nothing written before is lost, one notification", async () => {
    slow.setBytesPerSecond(512 * 1024);
    assert.equal((await api('POST', `${mirror}/sync-now`)).status, 204);
    // Started by a worker, not only scheduled: the worker's buckets exist (creating a replicated one needs every node).
    await runningRun(api, 'cluster/app');
    const before = await readLog();
    const nc = await connect({ servers: cluster.urls.split(',') });
    const leader = (await (await jetstreamManager(nc)).streams.info(names.stream)).cluster?.leader;
    await nc.close();
    const node = cluster.nodes.find((n) => n.name === leader);
    assert.ok(node, `the leader ${leader} is one of ours`);
    await node.stop();
    slow.setBytesPerSecond(0);
    const view = await eventually(
      async () => {
        const v = (await api('GET', mirror)).json;
        return v?.last_run_id && ['SUCCESS', 'FAIL'].includes(v.sync_status) ? v : undefined;
      },
      120_000,
      'the run to end',
    ).catch(async (error: Error) => {
      const log = (await readLog()).slice(-15).map((e) => `${e.position} ${e.type}`).join(', ');
      const ready = await (await documentedFetch(`${ferry.apiUrl}/readyz`)).text();
      assert.fail(`${error.message}: ${JSON.stringify((await api('GET', mirror)).json)}\nlog: ${log}\nreadyz: ${ready}\n${ferry.output().split('\n').filter((l) => /ERROR|WARN|error/i.test(l)).slice(-30).join('\n')}`);
    });
    assert.equal(view.sync_status, 'SUCCESS', ferry.output().slice(-3000));
    const after = await readLog();
    // Everything acknowledged before the leader went is still there, in order.
    assert.deepEqual(after.slice(0, before.length).map((e) => e.id), before.map((e) => e.id));
    const terminal = after.filter((e) => ['MirrorSucceeded', 'MirrorFailed', 'MirrorCancelled'].includes(e.type));
    assert.equal(terminal.length, 1);
    assert.deepEqual(await tagDigests(target, 'cluster/app'), await tagDigests(upstream, 'big/app'));
    await eventually(async () => (hooks.requests.filter((r) => r.path === '/done').length >= 1 ? true : undefined), 60_000, 'the notification');
    await new Promise((r) => setTimeout(r, 2_000));
    const deliveries = hooks.requests.filter((r) => r.path === '/done').map((r) => JSON.parse(r.body) as { run_id: string });
    assert.deepEqual(deliveries.map((d) => d.run_id), [view.last_run_id], 'delivered once');
    // Which clients and loops notice the leader's loss depends on where each was connected; none logs an error.
    await eventually(() => (assertOutageRiddenOut(ferry.logLines(), 'NATS', {}), true), 30_000, 'one warn and one info per loop that waited for NATS');
    await node.start();
  });
});
