import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTestDatabase,
  deleteManifest,
  eventually,
  manifestDigest,
  pushImage,
  pushMultiArch,
  startRegistry,
  testEventLogNames,
  type RunningRegistry,
  type TestDatabase,
} from '@ferry/testing';
import type { QuayTag } from '@ferry/mirror';
import { apiClient, createOrganizationWithRobot, onDemandMirrorBody, syncNowAndWait } from './api-client';
import { destroyEventLog, readEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';
import { startReceiver, type Receiver } from './receivers';

const REPO = '/repository/qtags/app';
const WATCHED = '/repository/qtags/watched';
const SECRET = 'e2e-quay-tags-webhook-secret-0123456789';
/** Quay's dates: RFC 2822 in UTC. */
const RFC_2822 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} -0000$/;

/**
 * What a Quay client automates around a mirror, beside the mirror itself: the repository's tag list
 * and tag history (Quay's ListRepositoryTags), the registry's capabilities, and a notification
 * rule's failure count, its reset, and Quay's "disabled after 3 failures".
 */
describe("Quay's tag API, capabilities and notification failure counts through the four services", () => {
  const names = testEventLogNames();
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let receiver: Receiver;
  let receiverStatus = 500;
  const api = apiClient(() => ferry);
  const image = (tag: string, seed: string) => pushImage(upstream, 'lib/app', tag, { mediaType: 'oci', layers: [{ seed, size: 2048 }] });
  const tags = async (query = ''): Promise<{ tags: QuayTag[]; page: number; has_additional: boolean }> => {
    const answer = await api('GET', `${REPO}/tag/${query}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    return answer.json;
  };

  before(async () => {
    [upstream, target, db, receiver] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase(), startReceiver(() => receiverStatus)]);
    await image('v1', 'qtags-v1');
    await image('v2', 'qtags-v2');
    await pushMultiArch(upstream, 'lib/app', 'multi', {
      seed: 'qtags-multi',
      flavour: 'oci',
      layers: [{ seed: 'qtags-multi-base', size: 1024 }],
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' },
      ],
    });
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      // One attempt a delivery, so each failing notification ends dead at once.
      FERRY_NOTIFY_MAX_ATTEMPTS: '1',
      FERRY_NOTIFY_RETRY_BASE_MS: '50',
    });
    await createOrganizationWithRobot(api, 'qtags');
    for (const [path, patterns] of [
      [`${REPO}/mirror`, ['*']],
      [`${WATCHED}/mirror`, ['v1']],
    ] as const) {
      const created = await api('POST', path, onDemandMirrorBody(`${upstream.host}/lib/app`, 'qtags+syncer', [...patterns], { tag_deletion: { enabled: true, max_delete: null } }));
      assert.equal(created.status, 201, JSON.stringify(created.json));
    }
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop(), receiver?.close()]);
    await db?.drop();
  });

  it('lists the active tags Ferry mirrored with the upstream\'s digests, sizes and Quay\'s times', async () => {
    assert.deepEqual(await tags('?onlyActiveTags=true'), { tags: [], page: 1, has_additional: false }, 'nothing before the first run');
    const run = await syncNowAndWait(api, `${REPO}/mirror`);
    assert.equal(run.sync_status, 'SUCCESS', ferry.output());

    const listed = await tags('?onlyActiveTags=true');
    assert.deepEqual(listed.tags.map((t) => t.name).sort(), ['multi', 'v1', 'v2']);
    assert.deepEqual([listed.page, listed.has_additional], [1, false]);
    for (const tag of listed.tags) {
      assert.equal(tag.manifest_digest, await manifestDigest(upstream, 'lib/app', tag.name), `${tag.name}: the upstream's digest`);
      assert.equal(tag.manifest_digest, await manifestDigest(target, 'qtags/app', tag.name), `${tag.name}: what the target holds`);
      assert.equal(tag.is_manifest_list, tag.name === 'multi');
      assert.equal(tag.reversion, false);
      assert.ok(typeof tag.size === 'number' && tag.size > 0, `${tag.name}: the bytes Ferry copied (${tag.size})`);
      assert.ok(Number.isInteger(tag.start_ts) && Math.abs(tag.start_ts! * 1000 - Date.now()) < 120_000, `${tag.name}: start_ts ${tag.start_ts}`);
      assert.match(tag.last_modified!, RFC_2822);
      assert.equal(new Date(tag.last_modified!).getTime(), tag.start_ts! * 1000);
      assert.equal(tag.end_ts, undefined);
      assert.equal(tag.expiration, undefined);
    }
    const v1 = listed.tags.find((t) => t.name === 'v1')!;
    assert.ok(v1.size! >= 2048, 'v1 holds a 2 KiB layer');
    // Quay's repository view carries the same active tags by name.
    const repository = (await api('GET', REPO)).json;
    assert.deepEqual(
      repository.tags,
      Object.fromEntries(listed.tags.map((t) => [t.name, { name: t.name, manifest_digest: t.manifest_digest, size: t.size, last_modified: t.last_modified }])),
    );
  });

  it("shows each tag's history as Quay does: a moved tag's old digest and a removed tag end with end_ts", async () => {
    const before = Object.fromEntries((await tags('?onlyActiveTags=true')).tags.map((t) => [t.name, t.manifest_digest]));
    const moved = await image('v1', 'qtags-v1-rebuilt');
    await deleteManifest(upstream, 'lib/app', (await manifestDigest(upstream, 'lib/app', 'v2'))!);
    const run = await syncNowAndWait(api, `${REPO}/mirror`);
    assert.equal(run.sync_status, 'SUCCESS', ferry.output());

    const active = await tags('?onlyActiveTags=true');
    assert.deepEqual(active.tags.map((t) => t.name).sort(), ['multi', 'v1']);
    assert.equal(active.tags.find((t) => t.name === 'v1')!.manifest_digest, moved.digest);

    const all = await tags();
    const v1 = all.tags.filter((t) => t.name === 'v1');
    assert.deepEqual(v1.map((t) => t.manifest_digest), [moved.digest, before.v1], 'newest first');
    assert.equal(v1[0]!.end_ts, undefined);
    assert.equal(v1[1]!.end_ts, v1[0]!.start_ts, 'the old lifetime ends where the new one starts');
    assert.match(v1[1]!.expiration!, RFC_2822);
    const [v2] = all.tags.filter((t) => t.name === 'v2');
    assert.equal(v2!.manifest_digest, before.v2);
    assert.ok(v2!.end_ts! >= v2!.start_ts!, 'the removed tag ended');
    // The same history as Ferry's own view of the tag.
    const history = (await api('GET', `${REPO}/mirror/tags/v1/history`)).json;
    assert.deepEqual(history.history.map((h: { digest: string }) => h.digest).reverse(), v1.map((t) => t.manifest_digest));

    assert.deepEqual((await tags('?specificTag=v1')).tags, v1);
    assert.deepEqual((await tags('?onlyActiveTags=true&specificTag=v2')).tags, []);
    assert.deepEqual((await tags('?filter_tag_name=like:V')).tags.map((t) => t.name).sort(), ['v1', 'v1', 'v2']);
    assert.deepEqual((await tags('?filter_tag_name=eq:multi')).tags.map((t) => t.name), ['multi']);
    // Pages of Quay's size, newest first, until one without has_additional.
    const first = await tags('?limit=2');
    const second = await tags('?limit=2&page=2');
    const third = await tags('?limit=2&page=3');
    assert.deepEqual([first.tags.length, first.has_additional, second.page, second.has_additional, third.tags.length], [2, true, 2, false, 0]);
    assert.deepEqual([...first.tags, ...second.tags], all.tags.slice(0, 4));
    assert.equal(all.tags.length, 4);
    assert.deepEqual((await tags('?limit=500')).tags, all.tags, 'a limit over 100 is clamped, as Quay does');
  });

  it('refuses bad query parameters with a 400 naming them, and answers 404 for a repository that does not exist', async () => {
    for (const [query, field] of [
      ['?filter_tag_name=gt:v1', 'filter_tag_name'],
      ['?limit=many', 'limit'],
      ['?page=x', 'page'],
    ] as const) {
      const answer = await api('GET', `${REPO}/tag/${query}`);
      assert.equal(answer.status, 400, `${query}: ${JSON.stringify(answer.json)}`);
      assert.ok(answer.json.errors.some((e: { field: string }) => e.field === field), `${field} named in ${JSON.stringify(answer.json)}`);
    }
    assert.equal((await api('GET', '/repository/qtags/nothing-here/tag/')).status, 404);
  });

  it("answers Quay's registry capabilities without a token", async () => {
    const answer = await fetch(`${ferry.apiUrl}/api/v1/registry/capabilities`);
    assert.equal(answer.status, 200);
    const body = (await answer.json()) as { sparse_manifests: unknown; mirror_architectures: string[] };
    assert.deepEqual(body.sparse_manifests, { supported: false, required_architectures: [], optional_architectures_allowed: false });
    assert.ok(body.mirror_architectures.includes('amd64') && body.mirror_architectures.includes('arm64'));
    assert.deepEqual(body.mirror_architectures, [...body.mirror_architectures].sort());
  });

  it("counts a rule's failed deliveries, disables it after 3, sends nothing until a reset, then reads zero and sends again", async () => {
    const created = await api('POST', `${WATCHED}/notification/`, {
      event: 'repo_mirror_sync_success',
      method: 'webhook',
      config: { url: `${receiver.url}/watched`, secret: SECRET },
      title: 'flaky receiver',
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(created.json.number_of_failures, 0);
    const uuid = created.json.uuid as string;
    const rule = async () => {
      const answer = await api('GET', `${WATCHED}/notification/${uuid}`);
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      return answer.json as { number_of_failures: number };
    };
    const hits = () => receiver.requests.filter((r) => r.path === '/watched').length;

    for (let n = 1; n <= 3; n++) {
      assert.equal((await syncNowAndWait(api, `${WATCHED}/mirror`)).sync_status, 'SUCCESS');
      await eventually(async () => ((await rule()).number_of_failures === n ? true : undefined), 20_000, `number_of_failures ${n}`);
    }
    assert.equal(hits(), 3);
    const listed = (await api('GET', `${WATCHED}/notification/`)).json.notifications;
    assert.equal(listed.find((r: { uuid: string }) => r.uuid === uuid).number_of_failures, 3);
    await eventually(async () => ((await readEventLog(names)).some((e) => e.type === 'NotificationRuleDisabled' && e.aggregateId === uuid) ? true : undefined), 20_000, 'the rule disabled');

    // Disabled: a run that succeeds sends nothing, even to a receiver that would accept it now.
    receiverStatus = 200;
    assert.equal((await syncNowAndWait(api, `${WATCHED}/mirror`)).sync_status, 'SUCCESS');
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(hits(), 3, 'a disabled rule sends nothing');
    assert.equal((await rule()).number_of_failures, 3);

    const reset = await api('POST', `${WATCHED}/notification/${uuid}`);
    assert.equal(reset.status, 204, JSON.stringify(reset.json));
    assert.equal((await rule()).number_of_failures, 0, 'a reset count reads zero');
    assert.equal((await api('POST', `${WATCHED}/notification/${uuid}`)).status, 204, 'a second reset is answered the same');
    assert.equal((await api('POST', `${WATCHED}/notification/00000000-0000-4000-8000-000000000000`)).status, 404);
    assert.equal((await api('POST', `${WATCHED}/notification/not-a-uuid`)).status, 400);

    assert.equal((await syncNowAndWait(api, `${WATCHED}/mirror`)).sync_status, 'SUCCESS');
    await eventually(() => (hits() === 4 ? true : undefined), 20_000, 'the enabled rule sends again');
    await eventually(async () => {
      const log = (await api('GET', `${WATCHED}/notification/${uuid}/deliveries`)).json.deliveries as Array<{ status: string }>;
      return log[0]?.status === 'delivered' ? log : undefined;
    }, 20_000, 'the delivery settled');
    assert.equal((await rule()).number_of_failures, 0);

    const events = await readEventLog(names);
    assert.ok(events.some((e) => e.type === 'NotificationRuleFailuresReset' && e.aggregateId === uuid));
    assert.equal(JSON.stringify(events).includes(SECRET), false, 'secret in an event');
    assert.equal(ferry.output().includes(SECRET), false, 'secret in a log');

    assert.equal((await api('DELETE', `${WATCHED}/notification/${uuid}`)).status, 204);
    assert.equal((await api('GET', `${WATCHED}/notification/${uuid}`)).status, 404);
  });
});
