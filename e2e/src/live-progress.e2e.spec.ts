import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  blobBytesOf,
  createTestDatabase,
  eventually,
  pushImage,
  startRegistry,
  startSlowUpstream,
  testEventLogNames,
  type PushedImage,
  type RunningRegistry,
  type SlowUpstream,
  type TestDatabase,
} from '@ferry/testing';
import { apiClient, createOrganizationWithRobot, onDemandMirrorBody } from './api-client';
import { runCommand } from './commands';
import { destroyEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';

const MiB = 1024 * 1024;
const CLI = join(__dirname, '..', '..', 'libs', 'cli', 'dist', 'ferry.js');

interface StreamEvent {
  event: string;
  data: any;
}

/** Reads a Server-Sent Events answer to its end. */
async function readStream(res: Response): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body!) text += decoder.decode(chunk as Uint8Array, { stream: true });
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n').filter((l) => l && !l.startsWith(':'));
    const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
    const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
    if (event) events.push({ event, data: JSON.parse(data) });
  }
  return events;
}

describe('a run in flight, watched', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let slow: SlowUpstream;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let configDir: string;
  const names = testEventLogNames();
  const api = apiClient(() => ferry);
  const images: PushedImage[] = [];

  before(async () => {
    [upstream, target, db] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase()]);
    // Every answer of the upstream at 1 MiB/s: the run takes seconds, long enough to be watched.
    slow = await startSlowUpstream(upstream.url, { bytesPerSecond: MiB });
    images.push(await pushImage(upstream, 'big/app', 'v1', { mediaType: 'oci', layers: [{ seed: 'live-1', size: 3 * MiB }, { seed: 'live-shared', size: 1 * MiB }] }));
    images.push(await pushImage(upstream, 'big/app', 'v2', { mediaType: 'oci', layers: [{ seed: 'live-2', size: 2 * MiB }, { seed: 'live-shared', size: 1 * MiB }] }));
    ferry = await startFerry(testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }));
    await createOrganizationWithRobot(api, 'watch');
    configDir = await mkdtemp(join(tmpdir(), 'ferry-cli-'));
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await slow?.close();
    await Promise.all([upstream?.stop(), target?.stop()]);
    await db?.drop();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  let runId: string;
  let runView: any;

  it('streams the run: progress rising to the total, each tag, then the outcome, and ends with it; its API view shows bytes and an ETA meanwhile', async () => {
    const created = await api('POST', '/repository/watch/app/mirror', onDemandMirrorBody(`${slow.host}/big/app`, 'watch+syncer', ['v*']));
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal((await api('POST', '/repository/watch/app/mirror/sync-now')).status, 204);
    runId = await eventually(async () => (await api('GET', '/repository/watch/app/mirror')).json.current_run_id ?? undefined, 30_000, 'the run to be scheduled');

    const res = await fetch(`${ferry.apiUrl}/api/v1/repository/watch/app/mirror/runs/${runId}/events`, { headers: { authorization: `Bearer ${ferry.adminToken}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const streamed = readStream(res);

    // While it copies, the run's view shows live bytes, the total known, a rate and an estimate.
    const running = await eventually(async () => {
      const view = (await api('GET', `/repository/watch/app/mirror/runs/${runId}`)).json;
      return view.progress && view.progress.bytes_copied > 0 && view.progress.eta_seconds !== null ? view : undefined;
    }, 30_000, 'the running run to show its progress');
    assert.equal(running.status, 'running');
    assert.ok(running.bytes_copied > 0, 'bytes_copied is live');
    assert.ok(running.progress.bytes_total >= running.progress.bytes_copied);
    assert.ok(running.progress.bytes_per_second > 0);
    assert.equal(running.progress.tags_total, 2);
    assert.match(running.trace_id, /^[0-9a-f]{32}$/);
    const mirror = (await api('GET', '/repository/watch/app/mirror')).json;
    assert.ok(mirror.current_run_progress === null || mirror.current_run_progress.tags_total === 2, JSON.stringify(mirror.current_run_progress));

    const events = await streamed;
    const kinds = events.map((e) => e.event);
    assert.equal(kinds.at(-1), 'outcome', `the stream ends with the outcome: ${kinds}`);
    assert.equal(events.at(-1)!.data.status, 'succeeded');
    assert.equal(events.at(-1)!.data.run_id, runId);
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data);
    assert.ok(progress.length >= 3, `progress came during the run: ${progress.length} events`);
    for (let i = 1; i < progress.length; i++) {
      assert.ok(progress[i].bytes_copied >= progress[i - 1].bytes_copied, `bytes rise monotonically: ${JSON.stringify(progress.slice(i - 1, i + 1))}`);
      assert.ok(progress[i].tags_done >= progress[i - 1].tags_done, 'tags done rise monotonically');
    }
    const last = progress.at(-1);
    const total = blobBytesOf(images);
    assert.deepEqual([last.tags_done, last.tags_total, last.bytes_copied, last.bytes_total, last.done], [2, 2, total, total, true]);
    const tags = events.filter((e) => e.event === 'tag').map((e) => e.data);
    assert.deepEqual(tags.map((t) => [t.tag, t.result]).sort(), [['v1', 'copied'], ['v2', 'copied']]);
    assert.ok(kinds.lastIndexOf('tag') < kinds.indexOf('outcome') && kinds.lastIndexOf('progress') < kinds.indexOf('outcome'), 'the outcome comes last');
    // The read models follow the log a moment later.
    runView = await eventually(async () => {
      const view = (await api('GET', `/repository/watch/app/mirror/runs/${runId}`)).json;
      return view.status === 'succeeded' ? view : undefined;
    }, 10_000, 'the run to be recorded as succeeded');
  });

  it('streams an ended run at once: its tags, its last progress and its outcome', async () => {
    const res = await fetch(`${ferry.apiUrl}/api/v1/repository/watch/app/mirror/runs/${runId}/events`, { headers: { authorization: `Bearer ${ferry.adminToken}` } });
    const events = await readStream(res);
    assert.deepEqual(events.filter((e) => e.event === 'tag').length, 2);
    assert.equal(events.at(-1)!.event, 'outcome');
    assert.equal(runView.progress, null, 'an ended run shows no live progress');
    assert.equal(runView.bytes_copied, blobBytesOf(images));
  });

  it('refuses the stream of an unknown run (404) or of a malformed id (400), and to anyone who may not read the repository', async () => {
    const base = `${ferry.apiUrl}/api/v1/repository/watch/app/mirror/runs`;
    const auth = { authorization: `Bearer ${ferry.adminToken}` };
    assert.equal((await fetch(`${base}/00000000-0000-4000-8000-000000000000/events`, { headers: auth })).status, 404);
    const malformed = await fetch(`${base}/nope/events`, { headers: auth });
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { errors: Array<{ field: string }> }).errors[0]!.field, 'runId');
    assert.equal((await fetch(`${base}/${runId}/events`)).status, 401);
  });

  it('every line the worker logged for the run names its mirror, run and trace', () => {
    const lines = ferry.logLines().filter((l) => l.instance === 'sync-worker' && l.run_id === runId);
    assert.ok(lines.length > 0, 'the worker logged the run');
    for (const line of lines) {
      assert.equal(line.mirror_id, 'watch/app');
      assert.equal(line.trace_id, runView.trace_id, JSON.stringify(line));
    }
    const end = lines.find((l) => l.outcome !== undefined);
    assert.deepEqual([end?.level, end?.outcome, end?.msg], ['info', 'succeeded', `run ${runId} of watch/app succeeded: 2 copied, 0 unchanged, 0 deleted, 0 failed`]);
  });

  it('ferry mirror sync-now --follow waits for the run, prints its progress as text where no terminal is, and exits 0 when it succeeded', async () => {
    const created = await api('POST', '/repository/watch/cli/mirror', onDemandMirrorBody(`${slow.host}/big/app`, 'watch+syncer', ['v1']));
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const { code, output } = await runCommand(process.execPath, [CLI, 'mirror', 'sync-now', 'watch/cli', '--follow'], {
      env: { PATH: process.env.PATH ?? '', FERRY_API_URL: ferry.apiUrl, FERRY_TOKEN: ferry.adminToken, FERRY_CONFIG_DIR: configDir },
    });
    assert.equal(code, 0, output);
    assert.match(output, /^following run [0-9a-f-]{36} of watch\/cli$/m);
    assert.match(output, /^\d\/1 tags, [\d.]+ MiB of [\d.]+ MiB copied, [\d.]+ MiB\/s/m);
    assert.match(output, /^v1: copied \([\d.]+ MiB\)$/m);
    assert.match(output, /^run [0-9a-f-]{36} of watch\/cli succeeded: 1 copied, 0 unchanged, 0 deleted, 0 failed/m);
    assert.ok(!output.includes('\x1b['), 'no terminal codes when not on a terminal');
  });
});
