import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { MirrorRunScheduled, StoredEvent } from '@ferry/contracts';
import {
  createTestDatabase,
  DOCKER_HUB_PUSH,
  eventually,
  freePort,
  GITHUB_PACKAGE_PUBLISHED,
  HARBOR_PUSH,
  manifestDigest,
  pushImage,
  QUAY_PUSH,
  startRegistry,
  testEventLogNames,
  type RunningRegistry,
  type TestDatabase,
} from '@ferry/testing';
import { apiClient, onDemandMirrorBody, type Api } from './api-client';
import { runCommand } from './commands';
import { destroyEventLog, readEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';

const UPSTREAM_REPO = 'library/app';
/** How long a pushed tag may take to reach the target here: the mirror's interval is a day. */
const PUSH_DEADLINE_MS = 15_000;

const skopeo = (args: string[]) => runCommand('skopeo', ['--insecure-policy', ...args], { env: process.env as Record<string, string> });

/** The push runs of one mirror the log holds. */
async function pushRuns(names: { stream: string; subjectPrefix: string }, mirrorId: string): Promise<MirrorRunScheduled['data'][]> {
  const events = (await readEventLog(names)) as StoredEvent[];
  return events.flatMap((e) => (e.type === 'MirrorRunScheduled' && e.data.mirrorId === mirrorId && e.data.trigger === 'push' ? [e.data] : []));
}

describe('an upstream registry tells Ferry what it was pushed, through a hook', () => {
  let upstream: RunningRegistry;
  let documented: RunningRegistry;
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  const names = testEventLogNames();
  const api = apiClient(() => ferry);
  /** The hook's own routes take no user token: only its secret, however it is sent. */
  const anonymous: Api = apiClient(() => ferry, [], () => null);
  const hook = { id: '', secret: '' };

  async function createMirror(repository: string, upstreamReference: string, patterns: string[]): Promise<{ id: string; secret: string }> {
    const mirror = await api('POST', `/repository/pushed/${repository}/mirror`, onDemandMirrorBody(upstreamReference, 'pushed+syncer', patterns));
    assert.equal(mirror.status, 201, JSON.stringify(mirror.json));
    return createHook(`/repository/pushed/${repository}/mirror/hooks`, {});
  }

  async function createHook(path: string, body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
    const created = await api('POST', path, body);
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.match(created.json.secret, /^ferry_hook_/);
    return { id: created.json.id, secret: created.json.secret };
  }

  before(async () => {
    const upstreamPort = await freePort();
    [target, documented, db] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase()]);
    // The scheduler's safety-net look comes once a minute: a push is run because the scheduler wakes on it.
    ferry = await startFerry({ ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }), REPO_MIRROR_INTERVAL: '60' });
    assert.equal((await api('POST', '/organization/', { name: 'pushed' })).status, 201);
    assert.equal((await api('PUT', '/organization/pushed/robots/syncer', {})).status, 201);
    // The mirror's first run is in 2099 and then daily: only pushes run it here.
    Object.assign(hook, await createMirror('app', `127.0.0.1:${upstreamPort}/${UPSTREAM_REPO}`, ['v*']));
    // docker-registry as its operators configure it: notifications.endpoints pointing at the hook, the secret in a header.
    upstream = await startRegistry({ port: upstreamPort, notifications: { url: `${ferry.apiUrl}/api/v1/hooks/${hook.id}`, headers: { Authorization: [`Bearer ${hook.secret}`] } } });
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), documented?.stop(), target?.stop()]);
    await db?.drop();
  });

  it('copies a tag pushed upstream with skopeo to the target, digest for digest, within seconds', async () => {
    const seed = await pushImage(upstream, 'seed/app', 'v1.0', { mediaType: 'oci', layers: [{ seed: 'push-v1.0', size: 4096 }] });
    const pushedAt = Date.now();
    const copy = await skopeo(['copy', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${upstream.host}/seed/app:v1.0`, `docker://${upstream.host}/${UPSTREAM_REPO}:v1.0`]);
    assert.equal(copy.code, 0, copy.output);
    const upstreamDigest = await manifestDigest(upstream, UPSTREAM_REPO, 'v1.0');
    assert.equal(upstreamDigest, seed.digest);
    await eventually(async () => ((await manifestDigest(target, 'pushed/app', 'v1.0')) === upstreamDigest ? true : undefined), PUSH_DEADLINE_MS, 'v1.0 on the target');
    const latencyMs = Date.now() - pushedAt;
    assert.ok(latencyMs < PUSH_DEADLINE_MS, `${latencyMs} ms`);
    // The tag is on the target a moment before the run's end is recorded.
    const runs = await eventually(async () => {
      const listed = (await api('GET', '/repository/pushed/app/mirror/runs')).json.runs as Array<{ trigger: string; status: string; tags_matched: string[] | null }>;
      return listed.every((r) => r.status === 'succeeded') ? listed : undefined;
    }, PUSH_DEADLINE_MS, 'the push run to end');
    assert.deepEqual(runs.map((r) => [r.trigger, r.tags_matched]), [['push', ['v1.0']]]);
    // The delivery is there for the mirror's admin to see, and what it did: the push of seed/app is acknowledged, not run.
    const deliveries = (await api('GET', `/repository/pushed/app/mirror/hooks/${hook.id}/deliveries`)).json.deliveries as Array<{ sender: string; results: Array<{ repository: string; outcome: string }> }>;
    assert.ok(deliveries.every((d) => d.sender === 'distribution'));
    const outcomes = deliveries.flatMap((d) => d.results.map((r) => `${r.repository} ${r.outcome}`));
    assert.ok(outcomes.includes(`${UPSTREAM_REPO} run`), outcomes.join(', '));
    assert.ok(outcomes.includes('seed/app ignored'), outcomes.join(', '));
  });

  it('makes one run of a burst of ten pushes', async () => {
    const before = (await pushRuns(names, 'pushed/app')).length;
    const tags = Array.from({ length: 10 }, (_, i) => `v2.${i}`);
    const pushed = await Promise.all(tags.map((tag) => pushImage(upstream, UPSTREAM_REPO, tag, { mediaType: 'oci', layers: [{ seed: `burst-${tag}`, size: 1024 }] })));
    for (const [i, tag] of tags.entries()) {
      await eventually(async () => ((await manifestDigest(target, 'pushed/app', tag)) === pushed[i]!.digest ? true : undefined), PUSH_DEADLINE_MS, `${tag} on the target`);
    }
    const runs = (await pushRuns(names, 'pushed/app')).slice(before);
    assert.equal(runs.length, 1, JSON.stringify(runs));
    assert.deepEqual(runs[0]!.tags, tags);
  });

  it('answers a wrong secret with 401 and a body no sender sends with 400, and runs nothing', async () => {
    // The burst's run ends after its tags are on the target: let it end, so the log holds still.
    await eventually(async () => ((await api('GET', '/repository/pushed/app/mirror')).json.sync_status === 'SUCCESS' ? true : undefined), PUSH_DEADLINE_MS, 'the burst\'s run to end');
    const before = (await readEventLog(names)).length;
    const pushedV3 = { events: [{ action: 'push', target: { repository: UPSTREAM_REPO, tag: 'v3.0', mediaType: 'application/vnd.oci.image.manifest.v1+json' } }] };
    for (const credential of [`ferry_hook_${'A'.repeat(43)}`, ferry.adminToken]) {
      const refused = await apiClient(() => ferry, [], () => credential)('POST', `/hooks/${hook.id}`, pushedV3);
      assert.equal(refused.status, 401);
      assert.equal(refused.json.code, 'UNAUTHENTICATED');
    }
    const unsigned = await anonymous('POST', `/hooks/${hook.id}?secret=not-the-secret`, pushedV3);
    assert.equal(unsigned.status, 401);
    // With the right secret, a body no registry sends (101 repositories) is a 400 that changes nothing either.
    const oversized = { events: Array.from({ length: 101 }, (_, i) => ({ action: 'push', target: { repository: `many/r${i}`, tag: 'v1' } })) };
    const refusedBody = await apiClient(() => ferry, [], () => hook.secret)('POST', `/hooks/${hook.id}`, oversized);
    assert.equal(refusedBody.status, 400);
    assert.deepEqual(refusedBody.json.errors.map((e: { field: string }) => e.field), ['(body)']);
    await new Promise((r) => setTimeout(r, 2_000));
    const since = (await readEventLog(names)).slice(before);
    assert.deepEqual(since.map((e) => e.type), [], 'nothing was recorded, pushed or scheduled');
    assert.match(ferry.output(), /hook [0-9a-f-]{36}: refused a delivery from/);
    assert.ok(!ferry.output().includes('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 'the wrong secret is not logged');
  });

  it('runs the right tag for the documented payloads of Docker Hub, Quay, Harbor and GitHub', async () => {
    const senders = [
      { name: 'dockerhub', repository: 'svendowideit/testhook', tag: 'latest', payload: DOCKER_HUB_PUSH },
      { name: 'quay', repository: 'dgangaia/test', tag: 'latest', payload: QUAY_PUSH },
      { name: 'harbor', repository: 'test-webhook/debian', tag: 'latest', payload: HARBOR_PUSH },
      { name: 'github', repository: 'octo-org/hello-world', tag: 'v1.2.0', payload: GITHUB_PACKAGE_PUBLISHED },
    ];
    for (const sender of senders) {
      // Upstream holds the documented repository with the tag and one more the payload does not name.
      await pushImage(documented, sender.repository, 'unnamed', { mediaType: 'oci', layers: [{ seed: `${sender.name}-unnamed`, size: 512 }] });
      const image = await pushImage(documented, sender.repository, sender.tag, { mediaType: 'oci', layers: [{ seed: `${sender.name}-${sender.tag}`, size: 512 }] });
      const mirrorPath = `/repository/pushed/${sender.name}/mirror`;
      const mirror = await api('POST', mirrorPath, onDemandMirrorBody(`${documented.host}/${sender.repository}`, 'pushed+syncer', ['*']));
      assert.equal(mirror.status, 201, JSON.stringify(mirror.json));
      const body = JSON.stringify(sender.payload);
      let delivered;
      if (sender.name === 'github') {
        // GitHub signs the body with the hook's secret (X-Hub-Signature-256) and can send no other header.
        const { id, secret } = await createHook(`${mirrorPath}/hooks`, { verification: 'hmac-sha256' });
        const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
        const forged = await fetch(`${ferry.apiUrl}/api/v1/hooks/${id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'package', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, body });
        assert.equal(forged.status, 401);
        const res = await fetch(`${ferry.apiUrl}/api/v1/hooks/${id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'package', 'x-hub-signature-256': signature }, body });
        delivered = { status: res.status, json: await res.json() };
      } else {
        const { id, secret } = await createHook(`${mirrorPath}/hooks`, {});
        // Docker Hub and Quay can set no header: the secret is in the URL. Harbor sends its auth header.
        delivered = sender.name === 'harbor' ? await apiClient(() => ferry, [], () => secret)('POST', `/hooks/${id}`, body) : await anonymous('POST', `/hooks/${id}?secret=${secret}`, body);
      }
      assert.equal(delivered.status, 202, `${sender.name}: ${JSON.stringify(delivered.json)}`);
      assert.deepEqual(delivered.json.results, [{ repository: sender.repository, tags: [sender.tag], outcome: 'run', detail: `run of ${sender.tag}` }], sender.name);
      await eventually(async () => ((await manifestDigest(target, `pushed/${sender.name}`, sender.tag)) === image.digest ? true : undefined), PUSH_DEADLINE_MS, `${sender.name}'s ${sender.tag} on the target`);
      assert.equal(await manifestDigest(target, `pushed/${sender.name}`, 'unnamed'), null, `${sender.name}: only the pushed tag ran`);
    }
  });

  it("discovers a new repository pushed under an organization mirror's namespace, then runs its pushed tags", async () => {
    assert.equal((await api('POST', '/organization/', { name: 'pushorg' })).status, 201);
    assert.equal((await api('PUT', '/organization/pushorg/robots/syncer', {})).status, 201);
    const orgMirror = await api('POST', '/organization/pushorg/mirror', {
      external_registry_type: 'distribution',
      external_registry_url: documented.url,
      external_namespace: 'team',
      robot_username: 'pushorg+syncer',
      visibility: 'private',
      // Discovery runs on request only here: the push must be what starts it.
      sync_interval: 86400,
      sync_start_date: '2099-01-01T00:00:00Z',
      external_registry_config: { verify_tls: false },
    });
    assert.equal(orgMirror.status, 201, JSON.stringify(orgMirror.json));
    const { id, secret } = await createHook('/organization/pushorg/mirror/hooks', {});
    const deliver = (tag: string) =>
      apiClient(() => ferry, [], () => secret)('POST', `/hooks/${id}`, { events: [{ action: 'push', target: { repository: 'team/alpha', tag, mediaType: 'application/vnd.oci.image.manifest.v1+json' } }] });

    const first = await pushImage(documented, 'team/alpha', 'v1', { mediaType: 'oci', layers: [{ seed: 'org-alpha-v1', size: 512 }] });
    const discovered = await deliver('v1');
    assert.equal(discovered.status, 202);
    assert.equal(discovered.json.results[0].outcome, 'discovery', JSON.stringify(discovered.json));
    await eventually(async () => ((await manifestDigest(target, 'pushorg/alpha', 'v1')) === first.digest ? true : undefined), 60_000, 'the discovered alpha:v1 on the target');

    const second = await pushImage(documented, 'team/alpha', 'v2', { mediaType: 'oci', layers: [{ seed: 'org-alpha-v2', size: 512 }] });
    const ran = await deliver('v2');
    assert.deepEqual(ran.json.results, [{ repository: 'team/alpha', tags: ['v2'], outcome: 'run', detail: 'run of v2' }]);
    await eventually(async () => ((await manifestDigest(target, 'pushorg/alpha', 'v2')) === second.digest ? true : undefined), PUSH_DEADLINE_MS, 'alpha:v2 on the target');
    // A repository outside the organization mirror's upstream namespace is neither run nor discovered.
    const outside = await apiClient(() => ferry, [], () => secret)('POST', `/hooks/${id}`, { events: [{ action: 'push', target: { repository: 'elsewhere/beta', tag: 'v1' } }] });
    assert.equal(outside.json.results[0].outcome, 'ignored');
  });

  it('limits a hook to its rate: 429 with Retry-After, and the delivery does nothing', async () => {
    const { id, secret } = await createMirror('flooded', `${documented.host}/flooded/app`, ['*']);
    const send = () => fetch(`${ferry.apiUrl}/api/v1/hooks/${id}?secret=${secret}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"events":[]}' });
    const answers = await Promise.all(Array.from({ length: 80 }, send));
    const limited = answers.filter((a) => a.status === 429);
    assert.ok(limited.length > 0, answers.map((a) => a.status).join(' '));
    assert.ok(Number(limited[0]!.headers.get('retry-after')) >= 1);
    assert.ok(answers.every((a) => a.status === 202 || a.status === 429), answers.map((a) => a.status).join(' '));
    const recorded = (await readEventLog(names)).filter((e) => e.type === 'HookDeliveryRecorded' && e.data.hookId === id);
    assert.equal(recorded.length, answers.length - limited.length, 'a refused delivery records nothing');
  });

  it("deletes a mirror's hooks with the mirror: a mirror made again under its name does not inherit them", async () => {
    const { id, secret } = await createMirror('shortlived', `${documented.host}/short/app`, ['*']);
    assert.equal((await api('DELETE', '/repository/pushed/shortlived/mirror')).status, 204);
    assert.equal((await api('POST', '/repository/pushed/shortlived/mirror', onDemandMirrorBody(`${documented.host}/short/app`, 'pushed+syncer', ['*']))).status, 201);
    assert.deepEqual((await api('GET', '/repository/pushed/shortlived/mirror/hooks')).json.hooks, []);
    const refused = await anonymous('POST', `/hooks/${id}?secret=${secret}`, { events: [] });
    assert.equal(refused.status, 401);
  });
});
