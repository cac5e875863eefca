import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, deleteManifest, eventually, manifestDigest, pushImage, startRegistry, tagDigests, testEventLogNames, type RunningRegistry, type TestDatabase } from '@ferry/testing';
import { apiClient, createOrganizationWithRobot, onDemandMirrorBody, syncNowAndWait } from './api-client';
import { destroyEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';

const MIRROR = '/repository/hist/app/mirror';

/**
 * Through the four services: a preview before a run, the history of a moved, a deleted and a new
 * upstream tag, a removal over the mirror's cap that deletes nothing, and keep-newest by the time
 * Ferry first saw each tag.
 */
describe('tag rules, previews, the delete cap and tag history through the four services', () => {
  const names = testEventLogNames();
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  const api = apiClient(() => ferry);
  const image = (tag: string, seed: string) => pushImage(upstream, 'lib/app', tag, { mediaType: 'oci', layers: [{ seed, size: 1500 }] });

  before(async () => {
    [upstream, target, db] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase()]);
    for (const tag of ['v1', 'v2', 'v3']) await image(tag, `hist-${tag}`);
    ferry = await startFerry(testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }));
    await createOrganizationWithRobot(api, 'hist');
    const created = await api('POST', MIRROR, onDemandMirrorBody(`${upstream.host}/lib/app`, 'hist+syncer', ['v*'], { tag_deletion: { enabled: true, max_delete: 1 } }));
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.deepEqual(created.json.tag_deletion, { enabled: true, max_delete: 1 });
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop()]);
    await db?.drop();
  });

  it('previews the first run without writing to the target', async () => {
    const preview = await api('POST', `${MIRROR}/preview`);
    assert.equal(preview.status, 200, JSON.stringify(preview.json));
    assert.deepEqual(preview.json.copy.map((t: { tag: string }) => t.tag), ['v1', 'v2', 'v3']);
    assert.ok(preview.json.totals.bytes >= 3 * 1500);
    assert.deepEqual(await tagDigests(target, 'hist/app'), {});
    const first = await syncNowAndWait(api, MIRROR);
    assert.equal(first.sync_status, 'SUCCESS');
  });

  it('records a moved, a deleted and a new upstream tag in their history', async () => {
    const oldV1 = await manifestDigest(target, 'hist/app', 'v1');
    const moved = await image('v1', 'hist-v1-rebuilt');
    await deleteManifest(upstream, 'lib/app', (await manifestDigest(upstream, 'lib/app', 'v2'))!);
    const added = await image('v4', 'hist-v4');

    const preview = (await api('POST', `${MIRROR}/preview`)).json;
    assert.deepEqual(preview.copy.map((t: { tag: string }) => t.tag).sort(), ['v1', 'v4']);
    assert.deepEqual(preview.unchanged.map((t: { tag: string }) => t.tag), ['v3']);
    assert.deepEqual(preview.delete, ['v2']);
    assert.equal(preview.tag_deletion.refused, null);

    const run = await syncNowAndWait(api, MIRROR);
    assert.equal(run.sync_status, 'SUCCESS');
    const history = async (tag: string) => {
      const answer = await api('GET', `${MIRROR}/tags/${tag}/history`);
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      return answer.json;
    };
    const v1 = await history('v1');
    assert.deepEqual(v1.history.map((h: { change: string }) => h.change), ['created', 'moved']);
    assert.equal(v1.history[0].digest, oldV1);
    assert.equal(v1.history[1].digest, moved.digest);
    assert.equal(v1.history[1].previous_digest, oldV1);
    assert.equal(v1.history[1].run_id, run.last_run_id);
    assert.equal(v1.current_digest, moved.digest);

    const v2 = await history('v2');
    assert.deepEqual(v2.history.map((h: { change: string }) => h.change), ['created', 'deleted']);
    assert.equal(v2.current_digest, null);
    assert.equal(v2.first_seen_upstream, null, 'the upstream no longer lists it');

    const v4 = await history('v4');
    assert.deepEqual(v4.history.map((h: { change: string }) => h.change), ['created']);
    assert.equal(v4.history[0].digest, added.digest);
    assert.ok(v4.first_seen_upstream, 'Ferry records when it first saw v4');
    assert.equal(v4.history[0].first_seen_at, v4.first_seen_upstream);
    // v3 was first seen by the first run, before v4.
    assert.ok((await history('v3')).first_seen_upstream < v4.first_seen_upstream);

    assert.equal((await api('GET', `${MIRROR}/tags/not%20a%20tag/history`)).status, 400);
  });

  it('fails a run whose removal would exceed the cap, deleting nothing', async () => {
    const before = await tagDigests(target, 'hist/app');
    const narrowed = await api('PUT', MIRROR, { tag_rule: { include: [{ kind: 'glob', patterns: ['v4'] }] } });
    assert.equal(narrowed.status, 200, JSON.stringify(narrowed.json));
    const preview = (await api('POST', `${MIRROR}/preview`)).json;
    assert.deepEqual(preview.tag_deletion.refused, { would_delete: 2, allowed: 1 });
    const run = await syncNowAndWait(api, MIRROR);
    assert.equal(run.sync_status, 'FAIL');
    const detail = (await api('GET', `${MIRROR}/runs/${run.last_run_id}`)).json;
    assert.equal(detail.error.code, 'DELETE_CAP_EXCEEDED');
    assert.match(detail.error.message, /would have deleted 2 tags, more than the 1/);
    assert.deepEqual(await tagDigests(target, 'hist/app'), before);
    // The worker's end-of-run line says how the run ended: a warning (the operator may raise the cap), with the outcome and the error's code.
    const end = await eventually(() => ferry.logLines().find((l) => l.instance === 'sync-worker' && l.run_id === run.last_run_id && l.outcome !== undefined), 10_000, "the worker's end-of-run line");
    assert.deepEqual([end.level, end.outcome, end.error_code, end.mirror_id], ['warn', 'failed', 'DELETE_CAP_EXCEEDED', 'hist/app'], JSON.stringify(end));
    assert.match(end.msg, new RegExp(`^run ${run.last_run_id} of hist/app failed: DELETE_CAP_EXCEEDED: the run would have deleted 2 tags`));
  });

  it('keeps the newest tag by the time Ferry first saw it, and a preview of unsaved settings changes nothing', async () => {
    const rule = { tag_rule: { include: [{ kind: 'glob', patterns: ['v*'] }], keep_newest: { count: 1, by: 'first-seen' } }, tag_deletion: { enabled: true, max_delete: null } };
    const unsaved = await api('POST', `${MIRROR}/preview`, rule);
    assert.equal(unsaved.status, 200, JSON.stringify(unsaved.json));
    assert.equal(unsaved.json.tags_matched, 1);
    assert.deepEqual(unsaved.json.unchanged.map((t: { tag: string }) => t.tag), ['v4']);
    assert.deepEqual(unsaved.json.delete.sort(), ['v1', 'v3']);
    assert.deepEqual((await api('GET', MIRROR)).json.tag_rule.include[0].patterns, ['v4'], 'the preview saved nothing');
    assert.equal((await api('POST', `${MIRROR}/preview`, { tag_deletion: { max_delete: '150%' } })).status, 400);

    assert.equal((await api('PUT', MIRROR, rule)).status, 200);
    const run = await syncNowAndWait(api, MIRROR);
    assert.equal(run.sync_status, 'SUCCESS');
    assert.deepEqual(Object.keys(await tagDigests(target, 'hist/app')), ['v4']);
  });
});
