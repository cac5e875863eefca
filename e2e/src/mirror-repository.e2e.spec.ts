import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { EventStore } from '@ferry/event-store';
import {
  createTestDatabase,
  eventually,
  getManifest,
  blobExists,
  deleteManifest,
  pushImage,
  QUAY_EXAMPLE_INDEX_TAGS,
  seedQuayExampleRepository,
  startRegistry,
  tagDigests,
  testEventLogNames,
  TEST_NATS_URL,
  type RunningRegistry,
  type TestDatabase,
} from '@ferry/testing';
import { destroyEventLog } from './event-log';
import { apiClient, onDemandMirrorBody, syncNowAndWait, type MirrorView } from './api-client';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';
import { exportedSpans, startReceiver, type Receiver } from './receivers';

const UPSTREAM_REPO = 'library/app';
const PASSWORD = 'upstream-Pa55word-never-shown';
const PATTERNS = ['v3.[!1]*', QUAY_EXAMPLE_INDEX_TAGS.ociIndex, QUAY_EXAMPLE_INDEX_TAGS.dockerList];

describe('mirroring a repository end to end through the four services', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let webhook: Receiver;
  let collector: Receiver;
  let upstreamDigests: Record<string, string>;
  const names = testEventLogNames();
  const responses: string[] = [];

  const api = apiClient(() => ferry, responses);
  const mirrorPath = '/repository/mirrors/app/mirror';
  const mirrorBody = (): Record<string, unknown> =>
    onDemandMirrorBody(`${upstream.host}/${UPSTREAM_REPO}`, 'mirrors+syncer', PATTERNS, {
      external_registry_username: upstream.credentials!.username,
      external_registry_password: PASSWORD,
    });
  const expectedSelection = (digests: Record<string, string>) =>
    Object.fromEntries(Object.entries(digests).filter(([tag]) => /^v3\.[^1]/.test(tag) || Object.values(QUAY_EXAMPLE_INDEX_TAGS).includes(tag as never)).sort());

  async function syncAndWait(): Promise<MirrorView> {
    const view = await syncNowAndWait(api, mirrorPath);
    if (view.sync_status !== 'SUCCESS') {
      const run = (await api('GET', `${mirrorPath}/runs/${view.last_run_id}`)).json;
      assert.fail(`run ${view.last_run_id} ended ${view.sync_status}: ${JSON.stringify(run)}`);
    }
    return view;
  }

  before(async () => {
    [upstream, target, db, webhook, collector] = await Promise.all([
      startRegistry({ htpasswd: { username: 'puller', password: PASSWORD } }),
      startRegistry(),
      createTestDatabase(),
      startReceiver(),
      startReceiver(),
    ]);
    upstreamDigests = await seedQuayExampleRepository(upstream, UPSTREAM_REPO);
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    });
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop(), webhook?.close(), collector?.close()]);
    await db?.drop();
  });

  it('creates the robot and the mirror, answering in Quay\'s shape without the password', async () => {
    assert.equal((await api('POST', '/organization/', { name: 'mirrors' })).status, 201);
    const robot = await api('PUT', '/organization/mirrors/robots/syncer', { description: 'mirror writer' });
    assert.equal(robot.status, 201);
    assert.equal(robot.json.name, 'mirrors+syncer');
    const created = await api('POST', mirrorPath, mirrorBody());
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(created.json.sync_status, 'NEVER_RUN');
    assert.equal(created.json.external_registry_username, 'puller');
    assert.deepEqual(created.json.root_rule, { rule_kind: 'tag_glob_csv', rule_value: PATTERNS });
    assert.equal('external_registry_password' in created.json, false);
    for (const event of ['repo_mirror_sync_started', 'repo_mirror_sync_success', 'repo_mirror_sync_failed']) {
      const rule = await api('POST', '/repository/mirrors/app/notification/', { event, method: 'webhook', config: { url: `${webhook.url}/hook` }, title: event });
      assert.equal(rule.status, 201, JSON.stringify(rule.json));
    }
    assert.equal((await api('GET', '/repository/mirrors/app/notification/')).json.notifications.length, 3);
  });

  it('refuses a second mirror for the repository and sync-cancel with nothing running (409)', async () => {
    assert.equal((await api('POST', mirrorPath, mirrorBody())).status, 409);
    const cancel = await api('POST', `${mirrorPath}/sync-cancel`);
    assert.equal(cancel.status, 409);
    assert.equal(cancel.contentType, 'application/problem+json; charset=utf-8');
  });

  let firstRun: MirrorView;
  it('syncs now: the target holds exactly the selected tags with the upstream\'s digests, children and blobs', async () => {
    firstRun = await syncAndWait();
    assert.equal(firstRun.sync_status, 'SUCCESS', ferry.output());
    assert.deepEqual(await tagDigests(target, 'mirrors/app'), expectedSelection(upstreamDigests));
    for (const tag of Object.values(QUAY_EXAMPLE_INDEX_TAGS)) {
      const index = await getManifest(target, 'mirrors/app', tag);
      const upstreamIndex = await getManifest(upstream, UPSTREAM_REPO, tag);
      assert.deepEqual(index!.bytes, upstreamIndex!.bytes, `${tag} is byte-for-byte the upstream's`);
      for (const child of JSON.parse(index!.bytes.toString()).manifests as Array<{ digest: string }>) {
        const manifest = await getManifest(target, 'mirrors/app', child.digest);
        assert.ok(manifest, `child ${child.digest} of ${tag} was copied`);
        const doc = JSON.parse(manifest.bytes.toString()) as { config: { digest: string }; layers: Array<{ digest: string }> };
        for (const blob of [doc.config, ...doc.layers]) assert.ok(await blobExists(target, 'mirrors/app', blob.digest));
      }
    }
  });

  it('records the run with its counts and per-tag results', async () => {
    const run = (await api('GET', `${mirrorPath}/runs/${firstRun.last_run_id}`)).json;
    assert.equal(run.status, 'succeeded');
    assert.equal(run.trigger, 'sync_now');
    assert.equal(run.tags_copied, 5);
    assert.equal(run.tags.length, 5);
    const tags = (await api('GET', `${mirrorPath}/tags`)).json.tags as Array<{ name: string; manifest_digest: string }>;
    assert.deepEqual(Object.fromEntries(tags.map((t) => [t.name, t.manifest_digest])), expectedSelection(upstreamDigests));
  });

  it('notified the webhook of Started then Succeeded with Quay\'s payload fields and the run', async () => {
    const hooks = await eventually(() => (webhook.requests.length >= 2 ? webhook.requests : undefined), 20_000, 'two webhooks');
    const payloads = hooks.map((h) => JSON.parse(h.body));
    assert.deepEqual(payloads.map((p) => p.event), ['repo_mirror_sync_started', 'repo_mirror_sync_success']);
    const done = payloads[1];
    assert.equal(done.repository, 'mirrors/app');
    assert.equal(done.namespace, 'mirrors');
    assert.equal(done.name, 'app');
    assert.equal(done.docker_url, `${target.host}/mirrors/app`);
    assert.ok(done.homepage);
    assert.ok(done.message);
    assert.equal(done.run_id, firstRun.last_run_id);
    assert.equal(done.outcome, 'succeeded');
    assert.equal(done.tags_copied, 5);
    assert.equal(hooks[1]!.headers['content-type'], 'application/json');
  });

  it('traced the run as one trace across the API, scheduler, worker and notifier', async () => {
    const spans = await eventually(() => {
      const all = exportedSpans(collector);
      const run = all.find((s) => s.name === 'mirror.run');
      if (!run) return undefined;
      const trace = all.filter((s) => s.traceId === run.traceId);
      const services = new Set(trace.map((s) => s.service));
      return services.size === 4 ? trace : undefined;
    }, 20_000, 'spans of all four services in one trace');
    const names = new Set(spans.map((s) => s.name));
    for (const name of ['mirror.sync-now', 'mirror.schedule', 'mirror.run', 'notification.deliver']) assert.ok(names.has(name), `${name} in ${[...names]}`);
    assert.ok(spans.some((s) => s.name.startsWith('mirror.tag ')), 'a span per tag');
  });

  it('traced each blob and each registry request below its tag, with bytes and the HTTP conventions\' attributes', async () => {
    const run = (await api('GET', `${mirrorPath}/runs/${firstRun.last_run_id}`)).json;
    assert.match(run.trace_id, /^[0-9a-f]{32}$/, 'the run view names its trace');
    const spans = await eventually(() => {
      const inRun = exportedSpans(collector).filter((s) => s.traceId === run.trace_id && s.service === 'ferry-sync-worker');
      return inRun.some((s) => s.name === 'mirror.blob') && inRun.some((s) => s.attributes['http.request.method']) ? inRun : undefined;
    }, 20_000, "blob and request spans in the run's trace");
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const tagOf = (s: { parentSpanId: string | undefined }) => byId.get(s.parentSpanId ?? '');
    const blobs = spans.filter((s) => s.name === 'mirror.blob');
    const uploaded = blobs.filter((b) => b.attributes['ferry.blob.outcome'] === 'uploaded');
    assert.ok(uploaded.length > 0, 'blobs were uploaded');
    for (const blob of blobs) {
      assert.match(String(blob.attributes['ferry.blob.digest']), /^sha256:[0-9a-f]{64}$/);
      assert.ok(['skipped', 'mounted', 'uploaded'].includes(String(blob.attributes['ferry.blob.outcome'])), JSON.stringify(blob.attributes));
      assert.equal(typeof blob.attributes['ferry.blob.retries'], 'number');
      assert.ok(tagOf(blob)?.name.startsWith('mirror.tag '), `a blob span sits below a tag span: ${JSON.stringify(blob)}`);
    }
    for (const blob of uploaded) assert.ok(Number(blob.attributes['ferry.blob.bytes']) > 0 && blob.attributes['ferry.blob.bytes'] === blob.attributes['ferry.blob.size'], 'an uploaded blob counts its bytes');
    assert.equal(uploaded.reduce((n, b) => n + Number(b.attributes['ferry.blob.bytes']), 0), run.bytes_copied, "the blobs' bytes are the run's");
    const requests = spans.filter((s) => s.attributes['http.request.method']);
    for (const r of requests) {
      assert.equal(r.name, r.attributes['http.request.method']);
      assert.match(String(r.attributes['url.full']), /^https?:\/\/127\.0\.0\.1:\d+\/v2\//);
      assert.equal(r.attributes['server.address'], '127.0.0.1');
      assert.equal(typeof r.attributes['server.port'], 'number');
    }
    assert.ok(requests.some((r) => r.attributes['http.response.status_code'] === 201 && r.attributes['http.request.method'] === 'PUT'), 'uploads answered 201');
    assert.ok(requests.some((r) => tagOf(r)?.name.startsWith('mirror.tag ')), 'requests sit below tag spans');
    assert.ok(!requests.some((r) => /_state=(?!REDACTED)/.test(String(r.attributes['url.full']))), 'upload state is redacted');
  });

  it('follows the upstream on the next run: a moved tag, a deleted tag and a new tag', async () => {
    const moved = await pushImage(upstream, UPSTREAM_REPO, 'v3.2', { mediaType: 'oci', layers: [{ seed: 'moved-v3.2', size: 4096 }] });
    await deleteManifest(upstream, UPSTREAM_REPO, upstreamDigests['v3.3']!);
    const added = await pushImage(upstream, UPSTREAM_REPO, 'v3.4', { mediaType: 'docker', layers: [{ seed: 'new-v3.4', size: 4096 }] });
    const second = await syncAndWait();
    assert.equal(second.sync_status, 'SUCCESS', ferry.output());
    const now = await tagDigests(upstream, UPSTREAM_REPO);
    assert.equal(now['v3.2'], moved.digest);
    assert.equal(now['v3.4'], added.digest);
    assert.equal(now['v3.3'], undefined);
    assert.deepEqual(await tagDigests(target, 'mirrors/app'), expectedSelection(now));
    const run = (await api('GET', `${mirrorPath}/runs/${second.last_run_id}`)).json;
    assert.deepEqual([run.tags_copied, run.tags_deleted, run.tags_unchanged], [2, 1, 3]);
  });

  it('narrows the selection with Ferry\'s tag_rule (a semver range, an exclude, keep newest 2), answering root_rule and tag_rule', async () => {
    const tagRule = { include: [{ kind: 'semver', range: '>=3 <5' }], exclude: [{ kind: 'glob', patterns: ['v4*'] }], keep_newest: { count: 2, by: 'semver' } };
    const put = await api('PUT', mirrorPath, { tag_rule: tagRule });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    assert.deepEqual(put.json.tag_rule, { ...tagRule, include: [{ ...tagRule.include[0], include_prerelease: false }] });
    assert.deepEqual(put.json.root_rule, { rule_kind: 'tag_glob_csv', rule_value: [] });
    const view = await syncAndWait();
    const now = await tagDigests(upstream, UPSTREAM_REPO);
    // v3.1, v3.2 and v3.4 are in the range (v3.2-4beta is a pre-release, v32 is 32.0.0, v4.0 is excluded): the newest two stay.
    assert.deepEqual(await tagDigests(target, 'mirrors/app'), { 'v3.2': now['v3.2'], 'v3.4': now['v3.4'] });
    const run = (await api('GET', `${mirrorPath}/runs/${view.last_run_id}`)).json;
    assert.deepEqual([[...run.tags_matched].sort(), run.tags_copied, run.tags_deleted], [['v3.2', 'v3.4'], 0, 3]);
  });

  it('refuses each invalid field with a 400 naming it and appends nothing', async () => {
    const store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...names });
    try {
      const head = await store.headPosition();
      const invalid: Array<[Record<string, unknown> | string, string]> = [
        [{ sync_interval: 0 }, 'sync_interval'],
        [{ sync_interval: -5 }, 'sync_interval'],
        [{ external_reference: 'https://127.0.0.1/x' }, 'external_reference'],
        [{ external_reference: '10.1.2.3/private/repo' }, 'external_reference'],
        [{ sync_start_date: 'tomorrow' }, 'sync_start_date'],
        [{ robot_username: 'mirrors+nobody' }, 'robot_username'],
        [{ root_rule: { rule_kind: 'tag_glob_csv', rule_value: [] } }, 'root_rule.rule_value'],
        [{ skopeo_timeout_interval: 1 }, 'skopeo_timeout_interval'],
        [{ external_registry_config: { verify_tls: 'maybe' } }, 'external_registry_config.verify_tls'],
        [{ architecture_filter: 'amd64' }, 'architecture_filter'],
        [{ is_enabled: 'yes' }, 'is_enabled'],
        [{ external_reference: '[::127.0.0.1]:5000/x/y' }, 'external_reference'],
        [{ external_registry_config: { proxy: { https_proxy: 'http://10.0.0.8:3128' } } }, 'external_registry_config.proxy.https_proxy'],
        [{ external_registry_config: { proxy: { http_proxy: 'http://169.254.169.254' } } }, 'external_registry_config.proxy.http_proxy'],
        [{ root_rule: { rule_kind: 'tag_glob_csv', rule_value: [']'] } }, 'root_rule.rule_value'],
        [{ tag_rule: { include: [{ kind: 'regex', pattern: '(a+)+$' }] } }, 'tag_rule.include[0].pattern'],
        [{ tag_rule: { include: [{ kind: 'semver', range: 'newest' }] } }, 'tag_rule.include[0].range'],
        [{ tag_rule: { include: [{ kind: 'glob', patterns: ['*'] }], keep_newest: { count: 0 } } }, 'tag_rule.keep_newest.count'],
        [{ description: 'unknown fields are ignored, but a NUL is refused wherever it is\u0000' }, 'description'],
        ['{not json', '(body)'],
      ];
      for (const [patch, field] of invalid) {
        const body = typeof patch === 'string' ? patch : { ...mirrorBody(), ...patch };
        const res = await api('POST', '/repository/mirrors/other/mirror', body);
        assert.equal(res.status, 400, `${field}: ${JSON.stringify(res.json)}`);
        assert.equal(res.contentType, 'application/problem+json; charset=utf-8');
        assert.ok(res.json.errors.some((e: { field: string }) => e.field === field), `${field} named in ${JSON.stringify(res.json)}`);
        const put = typeof patch === 'string' ? null : await api('PUT', mirrorPath, patch);
        if (put) assert.equal(put.status, 400, `PUT ${field}`);
      }
      assert.equal(await store.headPosition(), head, 'no event was appended');
    } finally {
      await store.close();
    }
  });

  it('rebuilds read models identical to the live ones with npm run replay', async () => {
    const tables = ['mirrors', 'runs', 'run_tags', 'tags', 'robots', 'notification_rules', 'event_log', 'due_mirrors', 'users', 'api_tokens', 'organizations', 'repositories', 'permissions', 'repository_usage'];
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const dump = async () => {
        const out: Record<string, unknown[]> = {};
        for (const t of tables) out[t] = (await client.query(`SELECT * FROM ${t} ORDER BY 1, 2`)).rows;
        return out;
      };
      const live = await dump();
      assert.ok((live.runs as unknown[]).length >= 2);
      execFileSync(process.execPath, [join(__dirname, '..', '..', 'services', 'mirror-config', 'dist', 'replay.js')], {
        env: { ...process.env, ...ferry.env, DATABASE_URL: db.url, NATS_URL: TEST_NATS_URL, FERRY_EVENT_STREAM: names.stream, FERRY_SUBJECT_PREFIX: names.subjectPrefix },
        stdio: 'pipe',
      });
      assert.deepEqual(await dump(), live);
    } finally {
      await client.end();
    }
  });

  it('never shows the upstream password, the admin\'s password or token in an event, a log line, a trace or a response', async () => {
    const store = await EventStore.connect({ natsUrl: TEST_NATS_URL, ...names });
    try {
      const stop = new AbortController();
      const head = await store.headPosition();
      const events: string[] = [];
      for await (const event of store.follow(1, stop.signal)) {
        events.push(JSON.stringify(event));
        if (event.position >= head) break;
      }
      stop.abort();
      assert.ok(events.length > 10);
      assert.ok(events.some((e) => e.includes('"externalRegistryPassword":{')), 'the password is stored sealed');
      const traces = collector.requests.map((r) => r.body).join('\n');
      assert.ok(traces.length > 0, 'spans were exported');
      for (const [where, text] of [['events', events.join('\n')], ['logs', ferry.output()], ['responses', responses.join('\n')], ['traces', traces]] as const) {
        assert.equal(text.includes(PASSWORD), false, `password found in ${where}`);
        assert.equal(text.includes(ferry.adminToken), false, `the admin's token found in ${where}`);
        assert.equal(text.includes(ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD!), false, `the admin's password found in ${where}`);
      }
    } finally {
      await store.close();
    }
  });
});
