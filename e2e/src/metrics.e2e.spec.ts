import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  blobBytesOf,
  createTestDatabase,
  eventually,
  freePort,
  pushImage,
  startRegistry,
  startShapingProxy,
  startSlowUpstream,
  testEventLogNames,
  type RunningRegistry,
  type ShapingProxy,
  type SlowUpstream,
  type TestDatabase,
} from '@ferry/testing';
import { apiClient, createOrganizationWithRobot, onDemandMirrorBody, runningRun, syncNowAndWait } from './api-client';
import { destroyEventLog } from './event-log';
import { SERVICES, startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';
import { startReceiver, type Receiver } from './receivers';

const DEPLOY = join(__dirname, '..', '..', 'deploy');
const KiB = 1024;
/** How often the test's Prometheus scrapes. */
const SCRAPE_SECONDS = 2;

/** Debian's prometheus on a free port, scraping the four services every 2 s (each scrape given as long) and loading Ferry's alert rules. */
async function startPrometheus(ferry: FerryProcesses): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-prometheus-'));
  const port = await freePort();
  const jobs = SERVICES.map((service) => `  - job_name: ferry-${service}\n    static_configs: [{ targets: ['${new URL(ferry.metricsUrl(service)).host}'] }]`).join('\n');
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: ${SCRAPE_SECONDS}s, scrape_timeout: ${SCRAPE_SECONDS}s, evaluation_interval: ${SCRAPE_SECONDS}s }\nrule_files: ['${join(DEPLOY, 'prometheus', 'alerts.yml')}']\nscrape_configs:\n${jobs}\n`,
  );
  let log = '';
  const child: ChildProcess = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => ((await fetch(`${url}/-/ready`).catch(() => null))?.status === 200 ? true : undefined), 30_000, `prometheus to be ready: ${log}`);
  return {
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query through Prometheus' HTTP API (as of now, or of `at`, seconds since the epoch); a query it refuses fails the test with its error. */
async function query(prometheus: string, expr: string, at?: number): Promise<Sample[]> {
  const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}${at === undefined ? '' : `&time=${at}`}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: Sample[] | [number, string] } };
  assert.equal(body.status, 'success', `${expr}: ${body.error}`);
  const { resultType, result } = body.data!;
  return resultType === 'scalar' ? [{ metric: {}, value: result as [number, string] }] : (result as Sample[]);
}

/** The raw samples of a range selector (`metric[5m]`) as of now: [seconds since the epoch, value] of each scrape. */
async function samples(prometheus: string, selector: string): Promise<Array<[number, number]>> {
  const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(selector)}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: Array<{ values: Array<[number, string]> }> } };
  assert.equal(body.status, 'success', `${selector}: ${body.error}`);
  assert.equal(body.data!.result.length, 1, `one series for ${selector}`);
  return body.data!.result[0]!.values.map(([at, v]) => [at, Number(v)]);
}

/** The PromQL of every Prometheus target of every panel of a Grafana dashboard, with Grafana's interval variable given a value. */
function dashboardExpressions(file: string, rateInterval = '1m'): string[] {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { panels: Array<{ title: string; targets?: Array<{ expr?: string; datasource?: { type: string } }> }> };
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).filter((t) => t.datasource?.type === 'prometheus').map((t) => t.expr!));
  for (const expr of exprs) assert.doesNotMatch(expr.replaceAll('$__rate_interval', ''), /\$/, `a variable the test does not know in ${expr}`);
  return exprs.map((e) => e.replaceAll('$__rate_interval', rateInterval));
}

/**
 * An alert's condition as a 0/1 value per series (`a > b` becomes `a > bool b`): it returns data
 * whether the alert fires or not, so an empty answer can only mean a metric or label that does not
 * exist. Each of Ferry's alerts is one top-level comparison.
 */
function asBool(expr: string): string {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (quote) {
      if (c === quote && expr[i - 1] !== '\\') quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if ('({['.includes(c)) depth++;
    else if (')}]'.includes(c)) depth--;
    else if (depth === 0) {
      const op = ['==', '!=', '>=', '<=', '>', '<'].find((o) => expr.startsWith(o, i));
      if (op) return `${expr.slice(0, i + op.length)} bool${expr.slice(i + op.length)}`;
    }
  }
  throw new Error(`no comparison at the top of ${expr}`);
}

describe('metrics scraped by a real Prometheus during real runs', () => {
  const names = testEventLogNames();
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let proxy: ShapingProxy;
  let slow: SlowUpstream;
  let db: TestDatabase;
  let hooks: Receiver;
  let ferry: FerryProcesses;
  let prometheus: { url: string; stop(): Promise<void> };
  const api = apiClient(() => ferry);
  const good = '/repository/metrics/app/mirror';
  const failing = '/repository/metrics/gone/mirror';
  let refusedOnce = false;
  /** The first value a query answers (NaN: none). */
  const value = async (expr: string, at?: number) => Number((await query(prometheus.url, expr, at))[0]?.value[1] ?? NaN);

  before(async () => {
    [upstream, target, db, hooks] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase(), startReceiver()]);
    await pushImage(upstream, 'library/app', 'v1', { mediaType: 'oci', layers: [{ seed: 'metrics-layer-a', size: 64 * KiB }, { seed: 'metrics-layer-b', size: 32 * KiB }] });
    // A big image's upstream at 256 KiB/s: its run copies for seconds, long enough to be scraped mid-run.
    slow = await startSlowUpstream(upstream.url, { bytesPerSecond: 256 * KiB });
    // The upstream's first manifest request answers 503: the client retries it.
    proxy = await startShapingProxy(upstream.url, {
      answer: (req, res) => {
        if (refusedOnce || !req.url?.includes('/manifests/')) return false;
        refusedOnce = true;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAVAILABLE","message":"try again"}]}');
        return true;
      },
    });
    ferry = await startFerry(testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }));
    prometheus = await startPrometheus(ferry);
    // Prometheus scrapes every service before the runs, and goes on scraping during them.
    await eventually(async () => ((await query(prometheus.url, 'up{job=~"ferry-.*"} == 1')).length === SERVICES.length ? true : undefined), 30_000, 'every service scraped');
    await createOrganizationWithRobot(api, 'metrics');
    assert.equal((await api('POST', good, onDemandMirrorBody(`${proxy.host}/library/app`, 'metrics+syncer', ['v1']))).status, 201);
    assert.equal((await api('POST', failing, onDemandMirrorBody(`${proxy.host}/library/gone`, 'metrics+syncer', ['v1']))).status, 201);
    const rule = await api('POST', '/repository/metrics/app/notification/', { event: 'repo_mirror_sync_success', method: 'webhook', config: { url: `${hooks.url}/hook` }, title: 'done' });
    assert.equal(rule.status, 201, JSON.stringify(rule.json));
  });

  after(async () => {
    await prometheus?.stop();
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([proxy?.stop(), slow?.close(), upstream?.stop(), target?.stop(), hooks?.close()]);
    await db?.drop();
  });

  it('runs a mirror that succeeds and one that fails, and Prometheus scrapes what they did', async () => {
    const succeeded = await syncNowAndWait(api, good);
    assert.equal(succeeded.sync_status, 'SUCCESS');
    assert.equal((await syncNowAndWait(api, failing)).sync_status, 'FAIL');
    await eventually(() => (hooks.requests.length >= 1 ? true : undefined), 20_000, 'the success notification');
    // Every service scraped twice since the runs ended and the notification went out.
    const ended = await value('time()');
    await eventually(async () => ((await value('min(timestamp(up{job=~"ferry-.*"}))')) > ended + 4 ? true : undefined), 30_000, 'two more scrapes of every service');
    assert.equal(await value('sum(ferry_runs_finished_total{outcome="succeeded"})'), 1);
    assert.equal(await value('sum(ferry_runs_finished_total{outcome="failed"})'), 1);
    assert.equal(await value('sum(ferry_runs_started_total{trigger="sync_now"})'), 2);
    assert.equal(await value('sum(ferry_tag_results_total{result="copied"})'), 1);
    // Two layers and the config, each uploaded once.
    assert.equal(await value('sum(ferry_blobs_copied_total{how="uploaded"})'), 3);
    // The bytes of the run that copied (the failed one copied none), each counted once.
    const copied = (await api('GET', `${good}/runs/${succeeded.last_run_id}`)).json.bytes_copied as number;
    assert.ok(copied >= 96 * KiB, `the run copied ${copied} bytes`);
    assert.equal(await value('sum(ferry_bytes_copied_total)'), copied);
    assert.equal(await value(`sum(ferry_registry_request_retries_total{registry="${proxy.host}"})`), 1, 'the 503 was retried once');
    assert.equal(await value(`sum(ferry_registry_requests_total{registry="${proxy.host}",status="503"})`), 1);
    assert.ok((await value(`sum(ferry_registry_requests_total{registry="${target.host}",method="PUT",status="201"})`)) >= 4, 'blobs and the manifest were put');
    assert.equal(await value('max(ferry_mirror_consecutive_failures{mirror="metrics/gone"})'), 1);
    assert.equal(await value('max(ferry_mirror_consecutive_failures{mirror="metrics/app"})'), 0);
    assert.equal(await value('max(ferry_mirrors_failing)'), 1);
    assert.equal(await value('max(ferry_mirrors{status="SUCCESS"})'), 1);
    // Quay's names, for Quay's dashboards.
    assert.equal(await value('max(quay_repository_mirror_last_sync_status{namespace="metrics",repository="app",last_error_reason=""})'), 1);
    assert.equal(await value('max(quay_repository_mirror_last_sync_status{namespace="metrics",repository="gone",last_error_reason="not_found"})'), 0);
    assert.equal(await value('max(quay_repository_mirror_sync_complete{namespace="metrics",repository="app"})'), 1);
    // Between runs nothing is pending, as with Quay.
    assert.equal(await value('max(quay_repository_mirror_pending_tags{namespace="metrics",repository="app"})'), 0);
    assert.equal(await value('sum(quay_repository_mirror_sync_failures_total{namespace="metrics",reason="not_found"})'), 1);
    assert.equal(await value('sum(quay_repository_mirror_workers_active)'), 1);
    assert.ok((await value('sum(ferry_projection_lag_seconds_count{projection="api-read-models"})')) > 0);
  });

  it('answers every PromQL expression of the provisioned dashboard with data', async () => {
    const exprs = dashboardExpressions(join(DEPLOY, 'grafana', 'dashboards', 'ferry.json'));
    assert.ok(exprs.length >= 20, `the dashboard's expressions: ${exprs.length}`);
    const empty: string[] = [];
    for (const expr of exprs) if ((await query(prometheus.url, expr)).length === 0) empty.push(expr);
    assert.deepEqual(empty, [], 'expressions without data');
  });

  it('evaluates every alert rule Prometheus loaded from deploy/, each returning data', async () => {
    const rules = (await (await fetch(`${prometheus.url}/api/v1/rules?type=alert`)).json()) as { data: { groups: Array<{ rules: Array<{ name: string; query: string; health: string }> }> } };
    const alerts = rules.data.groups.flatMap((g) => g.rules);
    assert.deepEqual(alerts.map((a) => a.name).sort(), ['FerryMirrorFailing', 'FerryMirrorStale', 'FerryMirrorsOverdue', 'FerryProjectionBehind', 'FerryProjectionLagging', 'FerryServiceDown']);
    const empty: string[] = [];
    for (const alert of alerts) {
      assert.notEqual(alert.health, 'err', `${alert.name} evaluates`);
      if ((await query(prometheus.url, asBool(alert.query))).length === 0) empty.push(`${alert.name}: ${alert.query}`);
    }
    assert.deepEqual(empty, [], 'alert conditions without data');
  });

  it('sums it up in the mirror-health summary, for superusers and for the organization', async () => {
    const all = await api('GET', '/repository/mirror/health');
    assert.equal(all.status, 200, JSON.stringify(all.json));
    assert.equal(all.json.healthy, false);
    assert.deepEqual({ total: all.json.repositories.total, completed: all.json.repositories.completed, failed: all.json.repositories.failed }, { total: 2, completed: 1, failed: 1 });
    assert.deepEqual(all.json.failing.map((m: { repository: string; consecutive_failures: number; error: { code: string } }) => [m.repository, m.consecutive_failures, m.error.code]), [['gone', 1, 'NAME_UNKNOWN']]);
    assert.deepEqual(all.json.stale, []);
    const ofOrganization = await api('GET', '/organization/metrics/mirror/health?limit=1');
    assert.equal(ofOrganization.status, 200);
    assert.equal(ofOrganization.json.repositories.total, 2);
    assert.equal((await api('GET', '/organization/nobody/mirror/health')).status, 404);
    assert.equal((await api('GET', '/repository/mirror/health?limit=0')).status, 400);
  });

  // Last: its run would change the counts the tests above check.
  it('counts the bytes of a run while it copies them: the sync-worker\'s counter and the dashboard\'s rate move mid-run, and the counter ends at the run\'s bytes', async () => {
    // One tag, one 2.5 MiB layer, through the 256 KiB/s upstream: about 10 s of copying, in which a
    // counter that moved only as tags ended would stay flat.
    const image = await pushImage(upstream, 'library/big', 'v1', { mediaType: 'oci', layers: [{ seed: 'metrics-big-layer', size: 2.5 * 1024 * KiB }] });
    const total = blobBytesOf([image]);
    const big = '/repository/metrics/big/mirror';
    assert.equal((await api('POST', big, onDemandMirrorBody(`${slow.host}/library/big`, 'metrics+syncer', ['v1']))).status, 201);
    const scrape = async () => {
      const exposition = await (await fetch(`${ferry.metricsUrl('sync-worker')}/metrics`)).text();
      return Number(/^ferry_bytes_copied_total (\S+)$/m.exec(exposition)![1]);
    };
    const before = await scrape();
    assert.equal((await api('POST', `${big}/sync-now`)).status, 204);
    const { runId } = await runningRun(api, 'metrics/big');

    // Scraped mid-run: above 0 and below the total, then higher and still below.
    const midRun: number[] = [];
    await eventually(async () => {
      const copied = (await scrape()) - before;
      if (copied > 0 && copied < total && copied !== midRun.at(-1)) midRun.push(copied);
      return midRun.length >= 2 ? true : undefined;
    }, 30_000, 'the counter to move twice while the run copies');
    assert.ok(midRun[1]! > midRun[0]!, `rising: ${midRun}`);
    assert.equal((await api('GET', `${big}/runs/${runId}`)).json.status, 'running', 'seen while the run was still running');

    const run = await eventually(async () => {
      const view = (await api('GET', `${big}/runs/${runId}`)).json;
      return view.status === 'succeeded' ? view : undefined;
    }, 60_000, 'the run to succeed');
    assert.equal(run.bytes_copied, total);
    assert.equal((await scrape()) - before, total, 'the tag\'s end added nothing more: each byte counted once');

    // Prometheus scraped it mid-run too, and the dashboard's bytes panel (with Grafana's
    // $__rate_interval for this scrape interval: 4 scrapes) shows the run's rate then.
    await eventually(async () => ((await value('sum(ferry_bytes_copied_total)')) === before + total ? true : undefined), 30_000, 'Prometheus to scrape the end');
    const scraped = await samples(prometheus.url, 'ferry_bytes_copied_total[5m]');
    const scrapedMidRun = scraped.filter(([, v]) => v > before && v < before + total);
    assert.ok(scrapedMidRun.length >= 2, `Prometheus scraped the run mid-way: ${JSON.stringify(scraped)}`);
    const [panel] = dashboardExpressions(join(DEPLOY, 'grafana', 'dashboards', 'ferry.json'), `${4 * SCRAPE_SECONDS}s`).filter((e) => e.includes('ferry_bytes_copied_total'));
    assert.ok(panel, 'the dashboard has a bytes panel');
    const [at] = scrapedMidRun.at(-1)!;
    assert.ok((await value(panel, at)) > 0, `${panel} at ${at}, mid-run`);
  });
});
