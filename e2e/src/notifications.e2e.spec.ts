import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  createTestDatabase,
  eventually,
  pushImage,
  startRegistry,
  testEventLogNames,
  type RunningRegistry,
  type TestDatabase,
} from '@ferry/testing';
import { destroyEventLog } from './event-log';
import { apiClient, createOrganizationWithRobot, createUserWithToken, onDemandMirrorBody, syncNowAndWait } from './api-client';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';
import { startReceiver, type Receiver } from './receivers';

const SECRET = 'e2e-webhook-secret-0123456789';
const signature = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

describe('notifications end to end: rules through the API, delivery by the notifier process', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let receiver: Receiver;
  const names = testEventLogNames();
  const responses: string[] = [];
  const rules: Record<string, string> = {};

  const api = apiClient(() => ferry, responses);
  const tokens: Record<string, string> = {};
  const as = (user: string) => apiClient(() => ferry, responses, () => tokens[user]!);
  const hits = (path: string) => receiver.requests.filter((r) => r.path === path);

  async function syncAndWait(repo: string, expected: 'SUCCESS' | 'FAIL'): Promise<string> {
    const view = await syncNowAndWait(api, `/repository/notify/${repo}/mirror`);
    assert.equal(view.sync_status, expected, ferry.output());
    return view.last_run_id!;
  }

  before(async () => {
    [upstream, target, db, receiver] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase(), startReceiver()]);
    await pushImage(upstream, 'library/app', 'v1', { mediaType: 'oci', layers: [{ seed: 'notify-v1', size: 1024 }] });
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
    });
    await createOrganizationWithRobot(api, 'notify');
    for (const user of ['alice', 'bob']) tokens[user] = await createUserWithToken(api, ferry.apiUrl, user);
    for (const [repo, upstreamRepo] of [['app', 'library/app'], ['broken', 'library/does-not-exist']] as const) {
      const created = await api('POST', `/repository/notify/${repo}/mirror`, onDemandMirrorBody(`${upstream.host}/${upstreamRepo}`, 'notify+syncer', ['*']));
      assert.equal(created.status, 201, JSON.stringify(created.json));
    }
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop(), receiver?.close()]);
    await db?.drop();
  });

  it('creates mirror, namespace and in-app rules, taking Quay\'s single event or a list of events', async () => {
    const all = await api('POST', '/repository/notify/app/notification/', {
      events: ['repo_mirror_sync_started', 'repo_mirror_sync_success', 'repo_mirror_sync_failed'],
      method: 'webhook',
      config: { url: `${receiver.url}/app`, secret: SECRET },
      title: 'everything',
    });
    assert.equal(all.status, 201, JSON.stringify(all.json));
    assert.equal(all.json.event, 'repo_mirror_sync_started', 'Quay readers see one event');
    assert.equal(all.json.config.has_secret, true);
    rules.app = all.json.uuid;
    const org = await api('POST', '/organization/notify/notification/', {
      event: 'repo_mirror_sync_failed',
      method: 'webhook',
      config: { url: `${receiver.url}/org` },
      eventConfig: { min_consecutive_failures: 2 },
    });
    assert.equal(org.status, 201, JSON.stringify(org.json));
    assert.equal(org.json.repository, null);
    rules.org = org.json.uuid;
    const inApp = await api('POST', '/repository/notify/broken/notification/', {
      event: 'repo_mirror_sync_failed',
      method: 'quay_notification',
      config: { target: { kind: 'user', name: 'alice' } },
    });
    assert.equal(inApp.status, 201, JSON.stringify(inApp.json));
    rules.inApp = inApp.json.uuid;
    assert.deepEqual((await api('GET', '/organization/notify/notification/')).json.notifications.map((n: { uuid: string }) => n.uuid), [rules.org]);
    assert.deepEqual((await api('GET', '/repository/notify/app/notification/')).json.notifications.map((n: { uuid: string }) => n.uuid), [rules.app]);
    // A namespace rule is not reachable through a mirror's path.
    assert.equal((await api('DELETE', `/repository/notify/app/notification/${rules.org}`)).status, 404);
  });

  it('refuses bad rules with a 400 naming the field, and private receivers that are not allowlisted', async () => {
    const bad: Array<[unknown, string]> = [
      [{ event: 'repo_push', method: 'webhook', config: { url: `${receiver.url}/x` } }, 'event'],
      [{ events: [], method: 'webhook', config: { url: `${receiver.url}/x` } }, 'events'],
      [{ event: 'repo_mirror_sync_failed', method: 'pager', config: {} }, 'method'],
      [{ event: 'repo_mirror_sync_failed', method: 'webhook', config: { url: 'http://10.1.2.3/hook' } }, 'config.url'],
      [{ event: 'repo_mirror_sync_failed', method: 'quay_notification', config: { target: { kind: 'team', name: 'ops' } } }, 'config.target.kind'],
      [{ event: 'repo_mirror_sync_failed', method: 'webhook', config: { url: `${receiver.url}/x` }, eventConfig: { min_consecutive_failures: 0 } }, 'eventConfig.min_consecutive_failures'],
    ];
    for (const [body, field] of bad) {
      const res = await api('POST', '/repository/notify/app/notification/', body);
      assert.equal(res.status, 400, `${field}: ${JSON.stringify(res.json)}`);
      assert.ok(res.json.errors.some((e: { field: string }) => e.field === field), `${field} named in ${JSON.stringify(res.json)}`);
    }
  });

  it('sends a test notification synchronously, signed, and reports the result', async () => {
    const res = await api('POST', `/repository/notify/app/notification/${rules.app}/test`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.delivered, true);
    assert.equal(res.json.status_code, 200);
    const [sample] = hits('/app');
    assert.ok(sample, 'the receiver got the sample before the API answered');
    assert.equal(sample.headers['x-ferry-signature'], signature(sample.body));
    assert.match(JSON.parse(sample.body).run_id, /^test-/);
    receiver.requests.length = 0;
  });

  it('takes a Microsoft Teams rule, Ferry\'s own method, and sends its test as an Adaptive Card', async () => {
    const created = await api('POST', '/repository/notify/app/notification/', { event: 'repo_mirror_sync_failed', method: 'msteams', config: { url: `${receiver.url}/teams` } });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.deepEqual(created.json.config, { url: `${receiver.url}/teams`, has_secret: false });
    const refused = await api('POST', '/repository/notify/app/notification/', { event: 'repo_mirror_sync_failed', method: 'msteams', config: { url: 'http://10.1.2.3/teams' } });
    assert.equal(refused.status, 400, 'a private receiver is refused when the rule is created');
    const res = await api('POST', `/repository/notify/app/notification/${created.json.uuid}/test`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.delivered, true);
    const [card] = hits('/teams').map((h) => JSON.parse(h.body));
    assert.equal(card?.attachments?.[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(card.attachments[0].content.body[0].text, 'Mirror sync failed: notify/app');
    assert.equal((await api('DELETE', `/repository/notify/app/notification/${created.json.uuid}`)).status, 204);
    receiver.requests.length = 0;
  });

  it('delivers every event of runs that happened while the notifier was stopped, once each, after it starts', async () => {
    await ferry.stop('notifier');
    const appRun = await syncAndWait('app', 'SUCCESS');
    const failedRuns = [await syncAndWait('broken', 'FAIL'), await syncAndWait('broken', 'FAIL')];
    assert.equal(receiver.requests.length, 0, 'nothing was sent while the notifier was down');
    ferry.start('notifier');

    const log = await eventually(async () => {
      const d = (await api('GET', `/repository/notify/app/notification/${rules.app}/deliveries`)).json.deliveries;
      return d.length === 2 && d.every((x: { status: string }) => x.status === 'delivered') ? d : undefined;
    }, 30_000, 'both deliveries of the app run');
    await eventually(async () => {
      const d = (await api('GET', `/organization/notify/notification/${rules.org}/deliveries`)).json.deliveries;
      return d.length === 1 && d[0].status === 'delivered' ? d : undefined;
    }, 30_000, 'the namespace rule delivery');

    const app = hits('/app').map((h) => JSON.parse(h.body));
    assert.deepEqual(app.map((p) => p.event).sort(), ['repo_mirror_sync_started', 'repo_mirror_sync_success']);
    assert.ok(app.every((p) => p.run_id === appRun));
    for (const h of hits('/app')) assert.equal(h.headers['x-ferry-signature'], signature(h.body));
    for (const entry of log) {
      assert.equal(entry.attempts, 1);
      assert.deepEqual(entry.attempt_log.map((a: { status_code: number; outcome: string }) => [a.status_code, a.outcome]), [[200, 'delivered']]);
    }
    // Only the second failure in a row reaches the "after 2 consecutive failures" namespace rule.
    const org = hits('/org').map((h) => JSON.parse(h.body));
    assert.deepEqual(org.map((p) => [p.repository, p.run_id]), [['notify/broken', failedRuns[1]]]);
    assert.equal(hits('/org')[0]!.headers['x-ferry-signature'], undefined, 'no secret, no signature');
  });

  it('lists the in-app notifications of the user, unread first, and marks one read; they are that user\'s alone', async () => {
    const alice = as('alice');
    const list = await eventually(async () => {
      const l = (await alice('GET', '/user/alice/notifications?unread=true')).json;
      return l.notifications.length === 2 ? l : undefined;
    }, 20_000, 'two in-app notifications');
    assert.equal(list.unread, 2);
    assert.ok(list.notifications.every((n: { kind: string; repository: string; read: boolean }) => n.kind === 'repo_mirror_sync_failed' && n.repository === 'notify/broken' && !n.read));
    const read = await alice('POST', `/user/alice/notifications/${list.notifications[0].id}/read`);
    assert.equal(read.status, 200);
    assert.equal(read.json.read, true);
    assert.equal((await alice('GET', '/user/alice/notifications?unread=true')).json.notifications.length, 1);
    assert.equal((await alice('GET', '/user/alice/notifications')).json.notifications.length, 2);
    assert.equal((await as('bob')('GET', '/user/bob/notifications')).json.notifications.length, 0);
    assert.equal((await alice('POST', '/user/alice/notifications/nope/read')).status, 404);
    // Nobody else reads them: not another user, not a superuser.
    assert.equal((await as('bob')('GET', '/user/alice/notifications')).status, 403);
    assert.equal((await api('GET', '/user/alice/notifications')).status, 403);
    assert.equal((await as('bob')('POST', `/user/alice/notifications/${list.notifications[1].id}/read`)).status, 403);
  });

  it('deletes a rule, after which its test endpoint answers 404; the secret never appears in a response or a log', async () => {
    assert.equal((await api('DELETE', `/organization/notify/notification/${rules.org}`)).status, 204);
    assert.equal((await api('POST', `/organization/notify/notification/${rules.org}/test`)).status, 404);
    assert.equal((await api('GET', '/organization/notify/notification/')).json.notifications.length, 0);
    assert.equal(responses.join('\n').includes(SECRET), false, 'secret in a response');
    assert.equal(ferry.output().includes(SECRET), false, 'secret in a log');
  });
});
