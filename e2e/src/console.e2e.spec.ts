import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestDatabase, eventually, pushImage, startRegistry, startSlowUpstream, testEventLogNames, type RunningRegistry, type SlowUpstream, type TestDatabase } from '@ferry/testing';
import { apiClient, createOrganizationWithRobot, createUserWithToken, onDemandMirrorBody, runningRun } from './api-client';
import { accessibilityViolations } from './accessibility';
import { destroyEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';
import { startReceiver, type Receiver } from './receivers';

/** Debian's chromium: playwright-core drives it and downloads no browser of its own. */
const CHROMIUM = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium';
/** Where the test run leaves a screenshot of each page, for review (under dist/, so never committed). */
export const SCREENSHOTS = join(__dirname, 'screenshots');
const MiB = 1024 * 1024;
/** Where the run page links traces to (nothing listens there: the test reads the link). */
const GRAFANA = 'http://grafana.example.test:3000';

/**
 * The web console in a real Chromium against the four services, NATS, Postgres and
 * docker-registry: sign in, create a mirror through the form (a bad value first), Sync now and
 * watch the run reach 100 %, its per-tag results, the tags and the usage log, a webhook rule and
 * its test, cancelling a slow run, robots, sign out. Every page passes axe without a serious or
 * critical violation, and each is saved as a screenshot.
 */
describe('the web console in Chromium', () => {
  const names = testEventLogNames();
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let slow: SlowUpstream;
  let db: TestDatabase;
  let receiver: Receiver;
  let ferry: FerryProcesses;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const api = apiClient(() => ferry);
  const url = (path: string) => `${ferry.apiUrl}${path}`;
  /** A table by its label (PatternFly's tables are ARIA grids). */
  const table = (label: string) => page.locator(`table[aria-label="${label}"]`);

  /** axe-core on the page as it is now: no violation of any severity; then a screenshot of it. */
  async function check(name: string): Promise<void> {
    assert.deepEqual(
      await accessibilityViolations(page),
      [],
      `accessibility of the ${name} page`,
    );
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    [upstream, target, db, receiver] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase(), startReceiver()]);
    for (const tag of ['v1', 'v2']) await pushImage(upstream, 'lib/app', tag, { mediaType: 'oci', layers: [{ seed: `console-${tag}`, size: 200_000 }] });
    await pushImage(upstream, 'lib/big', 'v1', { mediaType: 'oci', layers: [{ seed: 'console-big', size: 2 * MiB }] });
    slow = await startSlowUpstream(upstream.url, { bytesPerSecond: 16 * 1024 });
    ferry = await startFerry({ ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }), FERRY_GRAFANA_URL: GRAFANA });
    await createOrganizationWithRobot(api, 'web');
    const slowMirror = await api('POST', '/repository/web/big/mirror', onDemandMirrorBody(`${slow.host}/lib/big`, 'web+syncer', ['v1']));
    assert.equal(slowMirror.status, 201, JSON.stringify(slowMirror.json));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  });

  // What the page showed when a test ended, for whoever reads a failure.
  afterEach(async (t) => {
    await page?.screenshot({ path: join(SCREENSHOTS, `last-${t.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true }).catch(() => undefined);
  });

  after(async () => {
    // The services' own account of the run, beside the screenshots.
    if (ferry) writeFileSync(join(SCREENSHOTS, 'services.log'), ferry.output());
    await browser?.close();
    slow?.setBytesPerSecond(0);
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop(), slow?.close(), receiver?.close()]);
    await db?.drop();
  });

  it('sends a visitor to the sign-in page and signs in with a session cookie, not a stored token', async () => {
    await page.goto(url('/repository/web/app?tab=mirroring'));
    await page.waitForURL(/\/signin\?next=/);
    await check('sign-in');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The user name or password is wrong.').waitFor();

    await page.getByLabel('Password').fill(ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back where the visitor was going.
    await page.waitForURL(/\/repository\/web\/app\?tab=mirroring$/);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'ferry_session');
    assert.ok(session, 'a session cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.match(session.value, /^ferry_pat_/);
    assert.equal(cookies.find((c) => c.name === 'ferry_csrf')?.httpOnly, false);
    assert.equal(await page.evaluate('window.localStorage.length + window.sessionStorage.length'), 0, 'nothing in web storage');
    assert.equal(await page.evaluate("document.cookie.includes('ferry_session')"), false, 'the script cannot read the session');

    // The cookie alone changes nothing: an unsafe call without the CSRF header is refused.
    const forged = await fetch(url('/api/v1/organization/'), { method: 'POST', headers: { cookie: `ferry_session=${session.value}`, 'content-type': 'application/json' }, body: '{"name":"forged"}' });
    assert.equal(forged.status, 403);
    assert.match(((await forged.json()) as { detail: string }).detail, /CSRF/);
  });

  it('lists the repositories with their mirrors\' status', async () => {
    await page.getByRole('navigation', { name: 'Ferry' }).getByRole('link', { name: 'Repositories' }).click();
    await page.getByRole('heading', { name: 'Repositories', level: 1 }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'big' });
    await row.getByText('Not synced yet').waitFor();
    await row.getByText(`${slow.host}/lib/big`).waitFor();
    await check('repositories');

    // The list holds what its caller may read, by the rules that guard each repository.
    assert.equal((await api('POST', '/repository', { namespace: 'web', repository: 'hidden', visibility: 'private', description: '' })).status, 201);
    const viewerToken = await createUserWithToken(api, ferry.apiUrl, 'viewer', ['repo:read', 'user:read']);
    assert.equal((await api('PUT', '/repository/web/big/permissions/user/viewer', { role: 'read' })).status, 200);
    const viewer = apiClient(() => ferry, [], () => viewerToken);
    const seen = (await viewer('GET', '/repository')).json.repositories;
    assert.deepEqual(seen.map((r: { name: string }) => r.name), ['big']);
    assert.equal(seen[0].mirror.sync_status, 'NEVER_RUN');
    assert.equal(seen[0].mirror.external_reference, `${slow.host}/lib/big`);
    assert.deepEqual((await api('GET', '/repository?namespace=web')).json.repositories.map((r: { name: string }) => r.name), ['big', 'hidden']);
  });

  it('creates a mirror through the form, showing the API\'s own error for a bad value first', async () => {
    await page.getByRole('link', { name: 'Create a mirror' }).first().click();
    await page.getByRole('heading', { name: 'Create a mirror' }).waitFor();
    await page.locator('#namespace').selectOption('web');
    await page.locator('#repository').fill('app');
    await page.locator('#external-reference').fill(`${upstream.host}/lib/app`);
    await page.locator('#tags').fill('v*');
    await page.locator('#start-date').fill('2099-01-01T00:00');
    await page.locator('#interval').fill('30');
    await page.getByLabel('Sync interval unit').selectOption('seconds');
    await page.locator('#robot').selectOption('web+syncer');
    await page.getByText('Advanced settings').click();
    await page.locator('#verify-tls').uncheck();
    await page.locator('#username').fill('puller');
    await page.locator('#password').fill('upstream-secret');
    await page.getByRole('button', { name: 'Create mirror' }).click();
    // The API refused 30 s; its message shows under the field, and nothing was created.
    await page.locator('#interval-error').getByText('must be a whole number of seconds from 60').waitFor();
    assert.equal(await page.locator('#interval').getAttribute('aria-invalid'), 'true');
    assert.equal((await api('GET', '/repository/web/app/mirror')).status, 404);
    await check('new-mirror-error');

    await page.locator('#interval').fill('1');
    await page.getByLabel('Sync interval unit').selectOption('days');
    await page.getByRole('button', { name: 'Create mirror' }).click();
    await page.waitForURL(/\/repository\/web\/app\?tab=mirroring$/);
    await page.getByText('Not synced yet').first().waitFor();
    const mirror = (await api('GET', '/repository/web/app/mirror')).json;
    assert.equal(mirror.sync_interval, 86400);
    assert.deepEqual(mirror.root_rule.rule_value, ['v*']);
    assert.equal(mirror.external_registry_username, 'puller');
    assert.equal(mirror.external_registry_password_set, true);
    // Write-only: the form shows that a password is set, never the password.
    await page.getByText('A password is set. Leave empty to keep it.').waitFor();
    assert.equal(await page.locator('#password').inputValue(), '');
    assert.equal((await page.content()).includes('upstream-secret'), false);
    await check('mirroring');

    // The credentials were only for the form's sake: the local upstream needs none.
    await page.locator('#clear-credentials').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('The mirror is saved.').waitFor();
    assert.equal((await api('GET', '/repository/web/app/mirror')).json.external_registry_password_set, false);
  });

  it('syncs now and shows the run live until it reaches 100 % and succeeds, with each tag\'s result', async () => {
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText('A sync was requested').waitFor();
    // Open the run as soon as the console links it (current while it runs, last once it ended).
    const link = page.getByRole('link', { name: 'Watch the current run' }).or(page.getByRole('link', { name: 'Open the last run' }));
    await link.first().click({ timeout: 60_000 });
    await page.waitForURL(/\/mirror\/runs\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: /^Sync now run of .* Succeeded$/ }).waitFor({ timeout: 60_000 });
    const bar = page.getByRole('progressbar');
    await eventually(async () => ((await bar.getAttribute('aria-valuenow')) === '100' ? true : undefined), 10_000, 'the progress bar at 100 %');
    const results = table('Tag results');
    for (const tag of ['v1', 'v2']) await results.getByRole('row').filter({ hasText: tag }).getByText('Copied').waitFor();
    const trace = page.getByRole('link', { name: /\(Grafana\)$/ });
    const href = (await trace.getAttribute('href'))!;
    assert.ok(href.startsWith(`${GRAFANA}/explore?`), href);
    const traceId = ((await trace.textContent()) ?? '').split(' ')[0]!;
    assert.match(traceId, /^[0-9a-f]{32}$/);
    assert.ok(decodeURIComponent(href).includes(`"query":"${traceId}"`), href);
    await check('run');
  });

  it('shows the target\'s tags with their history, the preview, and the usage log with each performer', async () => {
    await page.getByRole('link', { name: 'web/app', exact: true }).click();
    await page.getByRole('tab', { name: 'Runs' }).waitFor();
    await page.getByRole('img', { name: /Duration of the last 1 runs/ }).waitFor();
    await check('runs');

    await page.getByRole('tab', { name: 'Tags' }).click();
    const tags = table('Tags');
    const v1 = tags.getByRole('row', { name: /^History of v1 / });
    await v1.waitFor();
    await v1.getByRole('button').first().click();
    await table('History of v1').getByText('created').waitFor();
    await page.getByRole('button', { name: 'Preview the next run' }).click();
    await page.getByText('0 to copy (0 B), 2 unchanged').waitFor();
    await check('tags');

    await page.getByRole('tab', { name: 'Usage logs' }).click();
    const logs = table('Usage logs');
    await logs.getByRole('row').filter({ hasText: 'admin' }).first().waitFor();
    await logs.getByRole('row').filter({ hasText: 'scheduler' }).first().waitFor();
    await page.getByLabel('Performed by').selectOption('user');
    assert.equal(await logs.getByRole('row').filter({ hasText: 'scheduler' }).count(), 0, 'only what users did');
    await check('usage-logs');
  });

  it('adds a webhook rule and sends a test to it', async () => {
    await page.getByRole('tab', { name: 'Notification rules' }).click();
    await page.locator('#rule-event-repo_mirror_sync_success').check();
    await page.locator('#rule-target').fill('not a url');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.locator('#rule-target-help').getByText(/url/i).waitFor();
    await page.locator('#rule-target').fill(`${receiver.url}/ferry-hook`);
    await page.locator('#rule-title').fill('ops hook');
    await page.getByRole('button', { name: 'Add rule' }).click();
    const rule = table('Notification rules').getByRole('row').filter({ hasText: 'ops hook' });
    await rule.waitFor();
    await rule.getByRole('button', { name: 'Send a test' }).click();
    await page.getByText(/Test delivered to "ops hook": HTTP 200/).waitFor();
    const sample = receiver.requests.find((r) => r.path === '/ferry-hook');
    assert.ok(sample, 'the receiver got the test');
    await check('notifications');

    // The links a notification carries open the console's pages: the repository, and a run's page.
    const payload = JSON.parse(sample.body) as { homepage: string; run_url: string };
    assert.equal(payload.homepage, url('/repository/web/app'));
    assert.ok(payload.run_url.startsWith(url('/repository/web/app/mirror/runs/')), payload.run_url);
    await page.goto(payload.homepage);
    await page.getByRole('tab', { name: 'Mirroring', selected: true }).waitFor();
    await page.getByRole('button', { name: 'Sync now' }).waitFor();
    const lastRun = (await api('GET', '/repository/web/app/mirror')).json.last_run_id as string;
    await page.goto(payload.run_url.replace(/[^/]+$/, lastRun));
    await page.getByText(lastRun).waitFor();
  });

  it('shows a slow run live and cancels it', async () => {
    await page.goto(url('/repository/web/big?tab=mirroring'));
    await page.getByRole('button', { name: 'Sync now' }).click();
    const { runId } = await runningRun(api, 'web/big');
    await page.getByRole('link', { name: 'Watch the current run' }).click();
    await page.waitForURL(new RegExp(`/mirror/runs/${runId}$`));
    // Live: a bar short of the end, with the bytes and the rate, while the upstream trickles.
    await page.getByText('Live progress').waitFor();
    const bar = page.getByRole('progressbar');
    const value = Number(await bar.getAttribute('aria-valuenow', { timeout: 30_000 }));
    assert.ok(value < 100, `the bar is at ${value} %`);
    await page.getByText(/of 1 tags · .* of .* · .*\/s/).waitFor();
    await check('run-live');
    await page.getByRole('button', { name: 'Cancel this run' }).click();
    // The notice shows while the run is still in flight; a worker that stops it at once can end
    // the run before the page shows it, and then the heading says so.
    await page.getByText('The run is being cancelled.').or(page.getByRole('heading', { name: /Cancelled$/, level: 1 })).first().waitFor();
    // The run's own status, in its heading, once the worker has stopped it.
    await page.getByRole('heading', { name: /^Sync now run of .* Cancelled$/, level: 1 }).waitFor({ timeout: 60_000 });
    await page.getByText(runId).waitFor();
    assert.equal((await api('GET', `/repository/web/big/mirror/runs/${runId}`)).json.status, 'cancelled');
    await check('run-cancelled');
    // The Mirroring tab's Cancel cancels a requested sync too.
    await page.goto(url('/repository/web/big?tab=mirroring'));
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByRole('button', { name: 'Cancel sync' }).click();
    await page.getByText('The sync is being cancelled.').waitFor();
  });

  it('shows the organization\'s robots and permissions, and the user\'s notifications', async () => {
    await page.goto(url('/organization/web?tab=robots'));
    await table('Robot accounts').getByText('web+syncer').waitFor();
    await check('organization');
    // A new robot token asks first, then shows the token this once.
    await table('Robot accounts').getByRole('row').filter({ hasText: 'web+syncer' }).getByRole('button', { name: 'New token' }).click();
    const dialog = page.getByRole('dialog', { name: /A new token for web\+syncer/ });
    await dialog.waitFor();
    await check('robot-token-confirm');
    await dialog.getByRole('button', { name: 'Make a new token' }).click();
    // The new token shows at once, with the other formats of the credentials.
    const credentials = page.getByRole('dialog', { name: 'Credentials of web+syncer' });
    await credentials.getByRole('textbox', { name: 'Token' }).waitFor();
    assert.match(await credentials.getByRole('textbox', { name: 'Token' }).inputValue(), /^ferry_rbt_/);
    await credentials.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('tab', { name: 'Members and roles' }).click();
    await table('Permissions on the organization').waitFor();
    await check('organization-permissions');
    await page.getByRole('tab', { name: 'Notification rules' }).click();
    await table('Notification rules').waitFor();
    await check('organization-notifications');
    await page.goto(url('/repository/web/app?tab=permissions'));
    // The mirror's robot was given write on the repository when the mirror was made.
    await table('Permissions on the repository').getByRole('row').filter({ hasText: 'web+syncer' }).getByRole('combobox').waitFor();
    assert.equal(await table('Permissions on the repository').getByRole('row').filter({ hasText: 'web+syncer' }).getByRole('combobox').inputValue(), 'write');
    await check('repository-permissions');
    await page.getByRole('navigation', { name: 'Ferry' }).getByRole('link', { name: 'Inbox', exact: true }).click();
    await page.getByRole('heading', { name: /^Inbox/ }).waitFor();
    await check('user-notifications');
  });

  it('signs out: the session is revoked, not only forgotten', async () => {
    const session = (await context.cookies()).find((c) => c.name === 'ferry_session')!;
    await page.getByRole('button', { name: /^User menu of / }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signin/);
    assert.equal((await context.cookies()).some((c) => c.name === 'ferry_session'), false);
    const replay = await fetch(url('/api/v1/user/'), { headers: { cookie: `ferry_session=${session.value}` } });
    assert.equal(replay.status, 401);
    await page.goto(url('/'));
    await page.waitForURL(/\/signin/);
  });
});
