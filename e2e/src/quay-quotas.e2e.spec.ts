import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  blobBytesOf,
  blobExists,
  createTestDatabase,
  eventually,
  listTags,
  pushImage,
  startRegistry,
  testEventLogNames,
  type PushedImage,
  type RunningRegistry,
  type TestDatabase,
} from '@ferry/testing';
import { aggregateSubject, AggregateKind } from '@ferry/contracts';
import { apiClient, createOrganizationWithRobot, createUserWithToken, onDemandMirrorBody, syncNowAndWait, type Api } from './api-client';
import { destroyEventLog, readEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';
import { startReceiver, type Receiver } from './receivers';

const ORG = 'qquota';
const QUOTA = `/organization/${ORG}/quota`;
const MIRROR = `/repository/${ORG}/big/mirror`;
const KiB = 1024;

/**
 * Quay's organization quotas as a Quay client drives them (create, read, change, reread, delete,
 * and the same again), and their effect on mirroring: a run that would take the organization past
 * its hard (Reject) limit fails QUOTA_EXCEEDED having written nothing to the target, one under a
 * larger limit succeeds, and the usage reads the bytes it wrote.
 */
describe("Quay's organization quotas through the four services", () => {
  const names = testEventLogNames();
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let receiver: Receiver;
  let image: PushedImage;
  let member: Api;
  const api = apiClient(() => ferry);
  const expect = async (answer: Promise<{ status: number; json: any; contentType: string | null }>, status: number) => {
    const got = await answer;
    assert.equal(got.status, status, JSON.stringify(got.json));
    return got;
  };

  before(async () => {
    [upstream, target, db, receiver] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase(), startReceiver()]);
    // Random bytes do not compress: the layer is 64 KiB on the wire too.
    image = await pushImage(upstream, 'lib/big', 'v1', { mediaType: 'oci', layers: [{ seed: 'qquota-layer', size: 64 * KiB }] });
    ferry = await startFerry(testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }));
    await createOrganizationWithRobot(api, ORG);
    const token = await createUserWithToken(api, ferry.apiUrl, 'qmember');
    await expect(api('PUT', `/organization/${ORG}/permissions/user/qmember`, { role: 'read' }), 200);
    member = apiClient(() => ferry, [], () => token);
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop(), receiver?.close()]);
    await db?.drop();
  });

  it("creates, reads, changes and deletes a quota and its limits with Quay's statuses and bodies, twice over", async () => {
    for (const round of [1, 2]) {
      assert.deepEqual((await expect(api('GET', QUOTA), 200)).json, [], `round ${round}: no quota yet`);
      const created = await expect(api('POST', QUOTA, { limit_bytes: 10 * KiB * KiB }), 201);
      assert.deepEqual([created.json, created.contentType?.split(';')[0]], ['Created', 'application/json']);
      const again = await expect(api('POST', QUOTA, { limit: '5 GiB' }), 400);
      assert.match(again.json.detail, /already exists/);
      const [quota] = (await expect(api('GET', QUOTA), 200)).json;
      assert.deepEqual({ ...quota, id: 0 }, { id: 0, limit_bytes: 10 * KiB * KiB, limit: '10.0 MiB', default_config: false, limits: [], default_config_exists: false });
      assert.ok(Number.isInteger(quota.id));
      const one = `${QUOTA}/${quota.id}`;
      assert.deepEqual((await expect(api('GET', one), 200)).json, quota);

      const changed = await expect(api('PUT', one, { limit: '1 GiB' }), 200);
      assert.deepEqual([changed.json.limit_bytes, changed.json.limit], [1024 ** 3, '1.0 GiB']);
      assert.deepEqual((await expect(api('GET', one), 200)).json, changed.json, 'reread');

      assert.equal((await expect(api('POST', `${one}/limit`, { type: 'Warning', threshold_percent: 80 }), 201)).json, 'Created');
      assert.equal((await expect(api('POST', `${one}/limit`, { type: 'Reject', threshold_percent: 100 }), 201)).json, 'Created');
      await expect(api('POST', `${one}/limit`, { type: 'Warning', threshold_percent: 80 }), 400);
      const limits = (await expect(api('GET', `${one}/limit`), 200)).json as { id: number; type: string; limit_percent: number }[];
      assert.deepEqual(limits.map((l) => [l.type, l.limit_percent]), [['Warning', 80], ['Reject', 100]]);
      const warning = `${one}/limit/${limits[0]!.id}`;
      assert.deepEqual((await expect(api('GET', warning), 200)).json, limits[0]);
      // Quay answers a changed limit with the whole quota.
      const withLimit = await expect(api('PUT', warning, { threshold_percent: 70 }), 200);
      assert.equal(withLimit.json.id, quota.id);
      assert.deepEqual(withLimit.json.limits.map((l: { limit_percent: number }) => l.limit_percent), [70, 100]);
      assert.deepEqual((await expect(api('GET', warning), 200)).json.limit_percent, 70, 'reread');

      // Members read the quota, as in Quay; only admins change it.
      assert.equal((await expect(member('GET', one), 200)).json.limit_bytes, 1024 ** 3);
      await expect(member('GET', `${one}/limit`), 200);
      await expect(member('PUT', one, { limit_bytes: 1 }), 403);
      await expect(member('POST', `${one}/limit`, { type: 'Reject', threshold_percent: 50 }), 403);
      const org = (await expect(member('GET', `/organization/${ORG}`), 200)).json;
      assert.deepEqual(org.quotas, [withLimit.json]);
      assert.equal(org.quota_report.configured_quota, 1024 ** 3);

      await expect(api('DELETE', warning), 204);
      await expect(api('DELETE', warning), 404);
      await expect(api('DELETE', one), 204);
      await expect(api('DELETE', one), 404);
      await expect(api('GET', one), 404);
    }
  });

  it("sets a user's or an organization's quota through Quay's superuser routes, and a user reads its own", async () => {
    const me = (await expect(api('GET', '/user/'), 200)).json.username as string;
    assert.deepEqual((await expect(api('GET', '/user/quota'), 200)).json, [], 'none yet');
    assert.equal((await expect(api('POST', `/superuser/users/${me}/quota`, { limit: '2 GiB' }), 201)).json, 'Created');
    await expect(api('POST', `/superuser/users/${me}/quota`, { limit: '2 GiB' }), 400);
    const [own] = (await expect(api('GET', '/user/quota'), 200)).json;
    assert.deepEqual([own.limit_bytes, own.limit], [2 * 1024 ** 3, '2.0 GiB']);
    assert.deepEqual((await expect(api('GET', `/user/quota/${own.id}`), 200)).json, own);
    assert.deepEqual((await expect(api('GET', `/user/quota/${own.id}/limit`), 200)).json, []);
    assert.deepEqual((await expect(api('GET', `/superuser/users/${me}/quota`), 200)).json, [own]);
    assert.equal((await expect(api('PUT', `/superuser/users/${me}/quota/${own.id}`, { limit_bytes: 4096 }), 200)).json.limit_bytes, 4096);
    await expect(api('DELETE', `/superuser/users/${me}/quota/${own.id}`), 204);
    await expect(api('DELETE', `/superuser/users/${me}/quota/${own.id}`), 404);
    assert.deepEqual((await expect(api('GET', '/user/quota'), 200)).json, []);
    await expect(api('GET', '/superuser/users/no-such-user/quota'), 404);

    // The organization's quota through the superuser path is the same one its own routes show.
    await expect(api('POST', `/superuser/organization/${ORG}/quota`, { limit_bytes: 1000 }), 201);
    const [quota] = (await expect(api('GET', QUOTA), 200)).json;
    assert.deepEqual((await expect(api('GET', `/superuser/organization/${ORG}/quota`), 200)).json, [quota]);
    await expect(member('GET', `/superuser/organization/${ORG}/quota`), 403);
    await expect(api('DELETE', `/superuser/organization/${ORG}/quota/${quota.id}`), 204);
    assert.deepEqual((await expect(api('GET', QUOTA), 200)).json, []);
  });

  it('refuses bad input with a 400 problem naming the field, and changes nothing', async () => {
    for (const [body, field] of [
      [{}, 'limit_bytes'],
      [{ limit_bytes: -1 }, 'limit_bytes'],
      [{ limit_bytes: 1.5 }, 'limit_bytes'],
      [{ limit: 'lots' }, 'limit'],
    ] as const) {
      const refused = await expect(api('POST', QUOTA, body), 400);
      assert.equal(refused.contentType?.split(';')[0], 'application/problem+json');
      assert.deepEqual(refused.json.errors.map((e: { field: string }) => e.field), [field], JSON.stringify(body));
    }
    assert.deepEqual((await expect(api('GET', QUOTA), 200)).json, []);
    await expect(api('POST', QUOTA, { limit_bytes: 1000 }), 201);
    const [quota] = (await api('GET', QUOTA)).json;
    for (const [body, field] of [
      [{ type: 'Hard', threshold_percent: 50 }, 'type'],
      [{ type: 'Reject', threshold_percent: 0 }, 'threshold_percent'],
      [{ type: 'Reject', threshold_percent: 101 }, 'threshold_percent'],
    ] as const) {
      assert.deepEqual((await expect(api('POST', `${QUOTA}/${quota.id}/limit`, body), 400)).json.errors.map((e: { field: string }) => e.field), [field]);
    }
    assert.deepEqual((await api('GET', `${QUOTA}/${quota.id}/limit`)).json, []);
    await expect(api('POST', `/organization/nowhere/quota`, { limit_bytes: 10 }), 404);
    await expect(api('GET', `${QUOTA}/not-a-number`), 404);
    await expect(api('DELETE', `${QUOTA}/${quota.id}`), 204);
  });

  it('fails a run that would pass the hard limit with QUOTA_EXCEEDED before it writes, and lets one under a larger limit write and count', async () => {
    const expectedBytes = blobBytesOf([image]);
    assert.ok(expectedBytes > 64 * KiB);
    await expect(api('POST', QUOTA, { limit_bytes: 32 * KiB }), 201);
    const [quota] = (await api('GET', QUOTA)).json;
    const one = `${QUOTA}/${quota.id}`;
    await expect(api('POST', `${one}/limit`, { type: 'Reject', threshold_percent: 100 }), 201);
    await expect(api('POST', MIRROR, onDemandMirrorBody(`${upstream.host}/lib/big`, `${ORG}+syncer`, ['*'])), 201);
    await expect(api('POST', `/repository/${ORG}/big/notification/`, { event: 'repo_mirror_sync_failed', method: 'webhook', config: { url: `${receiver.url}/failed` } }), 201);

    const refused = await syncNowAndWait(api, MIRROR);
    assert.equal(refused.sync_status, 'FAIL', ferry.output());
    const run = (await expect(api('GET', `${MIRROR}/runs/${refused.last_run_id}`), 200)).json;
    assert.equal(run.error.code, 'QUOTA_EXCEEDED', JSON.stringify(run));
    assert.match(run.error.message, /hard \(Reject\) limit/);
    assert.equal(run.bytes_copied, 0);
    // Nothing landed on the target: no tag, no blob.
    assert.deepEqual(await listTags(target, `${ORG}/big`), []);
    for (const digest of [image.configDigest, ...image.layerDigests]) assert.equal(await blobExists(target, `${ORG}/big`, digest), false, digest);
    // The failure reaches the run history, the notifications and the metrics as any other.
    const runs = (await expect(api('GET', `${MIRROR}/runs`), 200)).json;
    assert.equal(runs.runs[0].error.code, 'QUOTA_EXCEEDED');
    const notified = await eventually(async () => receiver.requests.find((r) => r.path === '/failed'), 30_000, 'the failure notification');
    assert.equal(JSON.parse(notified.body).error.code, 'QUOTA_EXCEEDED');
    const metrics = await (await fetch(`${ferry.metricsUrl('sync-worker')}/metrics`)).text();
    assert.match(metrics, new RegExp(`quay_repository_mirror_sync_failures_total\\{namespace="${ORG}",reason="quota_exceeded"\\} 1`));
    assert.equal((await api('GET', `/organization/${ORG}`)).json.quota_report.quota_bytes, 0);

    // A larger quota, with a soft limit the run passes: it writes, and the usage reads what it wrote.
    await expect(api('PUT', one, { limit: '1 MiB' }), 200);
    await expect(api('POST', `${one}/limit`, { type: 'Warning', threshold_percent: 5 }), 201);
    const copied = await syncNowAndWait(api, MIRROR);
    assert.equal(copied.sync_status, 'SUCCESS', ferry.output());
    const written = (await api('GET', `${MIRROR}/runs/${copied.last_run_id}`)).json.bytes_copied;
    assert.equal(written, expectedBytes, 'the run wrote the image\'s blobs');
    assert.deepEqual(await listTags(target, `${ORG}/big`), ['v1']);
    const org = (await expect(api('GET', `/organization/${ORG}`), 200)).json;
    assert.deepEqual(org.quota_report, { quota_bytes: expectedBytes, configured_quota: 1024 * 1024, running_backfill: 'complete', backfill_status: 'complete' });
    assert.deepEqual((await expect(api('GET', `/repository/${ORG}/big`), 200)).json.quota_report, { quota_bytes: expectedBytes, configured_quota: 1024 * 1024 });
    const listed = (await expect(api('GET', `/repository?namespace=${ORG}`), 200)).json.repositories.find((r: { name: string }) => r.name === 'big');
    assert.deepEqual(listed.quota_report, { quota_bytes: expectedBytes, configured_quota: 1024 * 1024 });

    // The soft limit's crossing is on record; an unchanged rerun adds nothing.
    const events = await readEventLog(names);
    const warned = events.filter((e) => e.type === 'QuotaWarningReached');
    assert.equal(warned.length, 1);
    assert.deepEqual((warned[0]!.data as { thresholdPercent: number; usageBytes: number }).thresholdPercent, 5);
    // ... and in the mirror's usage logs, with what the run reserved and wrote.
    const logged = (await expect(api('GET', `${MIRROR}/logs`), 200)).json.logs.map((l: { kind: string }) => l.kind);
    for (const kind of ['QuotaWarningReached', 'QuotaUsageRecorded', 'QuotaBytesReserved']) assert.ok(logged.includes(kind), `${kind} in ${logged}`);
    assert.equal((await syncNowAndWait(api, MIRROR)).sync_status, 'SUCCESS');
    assert.equal((await api('GET', `/organization/${ORG}`)).json.quota_report.quota_bytes, expectedBytes);

    // Deleting the organization takes its quota with it: one made again under its name starts without.
    await expect(api('DELETE', `/organization/${ORG}`), 204);
    await expect(api('POST', '/organization/', { name: ORG }), 201);
    assert.deepEqual((await expect(api('GET', QUOTA), 200)).json, []);
  });
  it('appends no quota event for a run in an organization without a quota, reports what it wrote, and counts it from a quota made later', async () => {
    const free = 'qfree';
    const freeMirror = (repository: string) => `/repository/${free}/${repository}/mirror`;
    const expectedBytes = blobBytesOf([image]);
    await createOrganizationWithRobot(api, free);
    await expect(api('POST', freeMirror('app'), onDemandMirrorBody(`${upstream.host}/lib/big`, `${free}+syncer`, ['*'])), 201);
    const copied = await syncNowAndWait(api, freeMirror('app'));
    assert.equal(copied.sync_status, 'SUCCESS', ferry.output());
    assert.equal((await api('GET', `${freeMirror('app')}/runs/${copied.last_run_id}`)).json.bytes_copied, expectedBytes);
    const quotaSubject = aggregateSubject(names.subjectPrefix, AggregateKind.Quota, free);
    const quotaEvents = async () => (await readEventLog(names)).filter((e) => e.subject === quotaSubject);
    assert.deepEqual(await quotaEvents(), [], 'no event on the organization\'s quota subject');

    // The report reads what the run wrote all the same, from the read model.
    const report = async () => (await expect(api('GET', `/organization/${free}`), 200)).json.quota_report;
    assert.deepEqual(await report(), { quota_bytes: expectedBytes, configured_quota: null, running_backfill: 'complete', backfill_status: 'complete' });
    assert.deepEqual((await expect(api('GET', `/repository/${free}/app`), 200)).json.quota_report, { quota_bytes: expectedBytes, configured_quota: null });

    // A quota made now starts from those bytes: its hard limit leaves no room for a second copy of the image.
    await expect(api('POST', `/organization/${free}/quota`, { limit_bytes: expectedBytes + 1000 }), 201);
    const [created] = await quotaEvents();
    assert.deepEqual([created!.type, (created!.data as { usage?: unknown }).usage], ['NamespaceQuotaCreated', { app: expectedBytes }]);
    const [quota] = (await api('GET', `/organization/${free}/quota`)).json;
    await expect(api('POST', `/organization/${free}/quota/${quota.id}/limit`, { type: 'Reject', threshold_percent: 100 }), 201);
    assert.deepEqual(await report(), { quota_bytes: expectedBytes, configured_quota: expectedBytes + 1000, running_backfill: 'complete', backfill_status: 'complete' });
    await expect(api('POST', freeMirror('other'), onDemandMirrorBody(`${upstream.host}/lib/big`, `${free}+syncer`, ['*'])), 201);
    const refused = await syncNowAndWait(api, freeMirror('other'));
    assert.equal(refused.sync_status, 'FAIL', ferry.output());
    assert.equal((await api('GET', `${freeMirror('other')}/runs/${refused.last_run_id}`)).json.error.code, 'QUOTA_EXCEEDED');
  });
});
