import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestDatabase, generateSigningKey, pushImage, startRegistry, testEventLogNames, writeCosignSignatures, type RunningRegistry, type TestDatabase } from '@ferry/testing';
import { accessibilityViolations } from './accessibility';
import { destroyEventLog } from './event-log';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';

const CHROMIUM = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium';
/** FERRY_WALK_WIDTHS=390 walks one width only (for working on it). */
const WIDTHS = process.env.FERRY_WALK_WIDTHS ? process.env.FERRY_WALK_WIDTHS.split(',').map(Number) : [1440, 390];
/** Beside the console spec's screenshots (under dist/, never committed). */
const SCREENSHOTS = join(__dirname, 'screenshots');

/**
 * A new user's first hour, in Chromium only: from the sign-in page of a fresh install to a
 * mirrored organization, never calling the API (the test only pushes images to the upstream
 * registry, as the upstream's owner would). Sign in as admin; create an organization, a robot
 * (and read its credentials), a team with the robot in it, a default permission, an API token, a
 * repository mirror (preview, sync now, watch the run finish, read its logs in words, a push hook,
 * an inbox rule), an organization mirror (test the connection, discover, watch its repositories
 * sync), a user; sign out. Once at 1440 px wide and once at 390 px, where the navigation is
 * behind its toggle. axe-core finds no violation of any severity on any page, and each page is
 * saved as a screenshot (`walk-<width>-<page>.png`).
 */
describe('a new user walks the console from sign-in to a mirrored organization', () => {
  const names = testEventLogNames();
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  let browser: Browser;
  let page: Page;
  let width: number = WIDTHS[0];
  const url = (path: string) => `${ferry.apiUrl}${path}`;
  const table = (label: string) => page.locator(`table[aria-label="${label}"]`);
  const narrow = () => width < 1200;
  /** The key the upstream's lib/signed:v1 is signed with (cosign's tag scheme). */
  const release = generateSigningKey('ecdsa-p256');

  /** axe-core on the page as it is now, every severity; then its screenshot. */
  async function check(name: string): Promise<void> {
    assert.deepEqual(
      await accessibilityViolations(page),
      [],
      `accessibility of the ${name} page at ${width} px`,
    );
    const wider = await page.evaluate(`[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.pf-v6-c-tabs__list')).slice(-4).map((e) => e.tagName + '.' + String(e.className).slice(0, 60) + ' ' + Math.round(e.getBoundingClientRect().right))`);
    assert.deepEqual(wider, [], `what reaches past the screen's edge on the ${name} page at ${width} px`);
    await page.screenshot({ path: join(SCREENSHOTS, `walk-${width}-${name}.png`), fullPage: true });
  }

  /** A page from the navigation: behind the masthead's toggle on a narrow screen. */
  async function navigate(label: string): Promise<void> {
    const nav = page.getByRole('navigation', { name: 'Ferry' });
    if (narrow()) {
      // By keyboard: the toggle opens the navigation, the link is followed with Enter.
      await page.getByRole('button', { name: 'Navigation' }).focus();
      await page.keyboard.press('Enter');
      await nav.getByRole('link', { name: label, exact: true }).waitFor({ state: 'visible' });
      await nav.getByRole('link', { name: label, exact: true }).focus();
      await page.keyboard.press('Enter');
      return;
    }
    await nav.getByRole('link', { name: label, exact: true }).click();
  }

  /** The masthead's user menu, by keyboard: Enter opens it, Enter on the item chooses it. */
  async function userMenu(item: string): Promise<void> {
    await page.getByRole('button', { name: /^User menu of / }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: item }).focus();
    await page.keyboard.press('Enter');
  }

  async function tab(name: string): Promise<void> {
    await page.getByRole('tab', { name, exact: true }).click();
    await page.getByRole('tab', { name, exact: true, selected: true }).waitFor();
  }

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    [upstream, target, db] = await Promise.all([startRegistry(), startRegistry(), createTestDatabase()]);
    for (const tag of ['v1', 'v2']) await pushImage(upstream, 'lib/app', tag, { mediaType: 'oci', layers: [{ seed: `walk-${tag}`, size: 150_000 }] });
    // lib/signed: v1 signed by the release key (as cosign signs), v2 not signed at all.
    const signedV1 = await pushImage(upstream, 'lib/signed', 'v1', { mediaType: 'oci', layers: [{ seed: 'walk-signed-v1', size: 20_000 }] });
    await writeCosignSignatures(upstream, 'lib/signed', signedV1.digest, [release]);
    await pushImage(upstream, 'lib/signed', 'v2', { mediaType: 'oci', layers: [{ seed: 'walk-signed-v2', size: 20_000 }] });
    for (const repository of ['team/svc-a', 'team/svc-b']) await pushImage(upstream, repository, 'v1', { mediaType: 'oci', layers: [{ seed: `walk-${repository}`, size: 50_000 }] });
    ferry = await startFerry(testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });

  afterEach(async (t) => {
    await page?.screenshot({ path: join(SCREENSHOTS, `walk-last-${t.name.slice(0, 30).replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true }).catch(() => undefined);
  });

  after(async () => {
    if (ferry) writeFileSync(join(SCREENSHOTS, 'walk-services.log'), ferry.output());
    await browser?.close();
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop()]);
    await db?.drop();
  });

  /** Errors the console's script threw: none is expected, and any is reported with the step that saw it. */
  const pageErrors: string[] = [];

  /** A step of the walk: once one fails, the rest of the walk is skipped (they would only time out). */
  let broken = false;
  const step = (name: string, body: () => Promise<void>) =>
    it(name, async (t) => {
      if (broken) return t.skip('an earlier step failed');
      try {
        await body();
        assert.deepEqual(pageErrors.splice(0), [], 'errors in the page');
      } catch (error) {
        if (pageErrors.length) console.error(pageErrors.join('\n'));
        broken = true;
        throw error;
      }
    });

  for (const w of WIDTHS) {
    // Names of their own at each width: the second walk finds the first one's organizations.
    const p = w === 1440 ? 'wide' : 'narrow';
    const web = `${p}web`;
    const hub = `${p}hub`;

    step(`signs in at ${w} px, told where a fresh install's password is`, async () => {
      width = w;
      // The narrow walk runs with the system set to dark: the console follows it (PatternFly's dark theme), and axe checks its contrast too.
      const context = await browser.newContext({ viewport: { width: w, height: w === 1440 ? 1000 : 844 }, colorScheme: w === 1440 ? 'light' : 'dark' });
      page = await context.newPage();
      page.setDefaultTimeout(20_000);
      page.on('pageerror', (error) => pageErrors.push(`${error.message}\n${error.stack ?? ''}`));
      await page.goto(url('/'));
      await page.waitForURL(/\/signin/);
      await page.getByRole('button', { name: 'First sign-in on a new install?' }).click();
      await page.getByText('.ferry/admin-credentials.json').first().waitFor();
      assert.equal(await page.evaluate("document.documentElement.classList.contains('pf-v6-theme-dark')"), w !== 1440, 'the theme follows the system');
      await check('sign-in');
      // By keyboard only: type the name, Tab to the password, Enter signs in.
      await page.getByLabel('User name').focus();
      await page.keyboard.type('admin');
      await page.keyboard.press('Tab');
      await page.keyboard.type(ferry.env.FERRY_BOOTSTRAP_ADMIN_PASSWORD!);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Repositories', level: 1 }).waitFor();
      if (w === WIDTHS[0]) {
        // A fresh install: the empty list says what comes first, and links to it.
        await page.getByRole('heading', { name: 'Start with an organization' }).waitFor();
        await check('repositories-empty');
        await page.getByRole('link', { name: 'Create an organization' }).click();
      } else {
        await navigate('Organizations');
      }
      await page.getByRole('heading', { name: 'Organizations', level: 1 }).waitFor();
    });

    step(`creates an organization with a robot, its credentials, a team and a default permission at ${w} px`, async () => {
      await page.locator('#org-name').fill(web);
      await page.getByRole('button', { name: 'Create organization' }).click();
      await page.waitForURL(new RegExp(`/organization/${web}$`));
      await page.getByRole('heading', { name: 'No repositories yet' }).waitFor();
      await check('organization');

      await tab('Robot accounts');
      await page.getByRole('heading', { name: 'No robot accounts yet' }).waitFor();
      await page.locator('#robot-name').fill('syncer');
      await page.getByRole('button', { name: 'Create robot account' }).click();
      await page.getByText(`Robot account ${web}+syncer is ready.`).waitFor();
      await table('Robot accounts').getByText(`${web}+syncer`).waitFor();
      await check('robots');
      await page.getByRole('button', { name: 'Show its credentials' }).click();
      const dialog = page.getByRole('dialog', { name: `Credentials of ${web}+syncer` });
      await dialog.getByRole('textbox', { name: 'Username' }).waitFor();
      assert.equal(await dialog.getByRole('textbox', { name: 'Username' }).inputValue(), `${web}+syncer`);
      assert.match(await dialog.getByRole('textbox', { name: 'Token' }).inputValue(), /^ferry_rbt_/);
      await check('robot-credentials');
      await dialog.getByRole('tab', { name: 'Kubernetes secret' }).click();
      await dialog.getByText('kubernetes.io/dockerconfigjson').first().waitFor();
      await dialog.getByRole('button', { name: 'Close' }).click();

      await tab('Teams');
      await page.locator('#team-name').fill('platform');
      await page.locator('#team-role').selectOption('creator');
      await page.getByRole('button', { name: 'Create team' }).click();
      const team = table('Teams').getByRole('row').filter({ hasText: 'platform' });
      await team.waitFor();
      await team.getByRole('button', { name: 'Members' }).click();
      const members = page.getByRole('dialog', { name: 'Members of team platform' });
      await members.locator('#member-name').fill(`${web}+syncer`);
      await members.getByRole('button', { name: 'Add member' }).click();
      await members.getByRole('button', { name: `Remove ${web}+syncer` }).waitFor();
      await check('team-members');
      await members.getByRole('button', { name: 'Done' }).click();
      await team.getByText('1 member').waitFor();

      await tab('Default permissions');
      await page.locator('#prototype-delegate').fill(`${web}+syncer`);
      await page.locator('#prototype-role').selectOption('read');
      await page.getByRole('button', { name: 'Add default permission' }).click();
      await table('Default permissions').getByText(`${web}+syncer`).waitFor();
      await check('default-permissions');
    });

    step(`creates an API token, shown once, at ${w} px`, async () => {
      await userMenu('API tokens');
      await page.getByRole('tab', { name: 'API tokens', selected: true }).waitFor();
      await page.locator('#token-title').fill(`ci-${p}`);
      await page.locator('#scope-repo-write').check();
      await page.locator('#token-expiry').selectOption('90');
      await page.getByRole('button', { name: 'Create token' }).click();
      await page.getByText(`Token "ci-${p}" is made. Copy it now`).waitFor();
      assert.match(await page.getByRole('textbox', { name: 'The new token' }).inputValue(), /^ferry_pat_/);
      await table('API tokens').getByText(`ci-${p}`).waitFor();
      await check('api-tokens');
    });

    step(`creates a repository mirror (testing the connection and previewing before saving), previews it, syncs now and watches the run finish at ${w} px`, async () => {
      await navigate('Create a mirror');
      await page.getByRole('heading', { name: 'Create a mirror', level: 1 }).waitFor();
      await page.locator('#namespace').selectOption(web);
      await page.locator('#repository').fill('app');
      await page.locator('#external-reference').fill(`${upstream.host}/lib/app`);
      await page.locator('#tags').fill('v*');
      await page.locator('#start-date').fill('2099-01-01T00:00');
      // The picker replaces a text field once the organization's robots are read: wait for it.
      await page.locator('select#robot').selectOption(`${web}+syncer`);
      await page.locator('#username').fill('puller');
      await page.locator('#password').fill('typed-secret');
      await page.getByText('The password you typed is stored, encrypted, when you save.').waitFor();
      await page.locator('#username').fill('');
      await page.locator('#password').fill('');
      await page.getByText('Advanced settings').click();
      await page.locator('#verify-tls').uncheck();
      // Before saving: a wrong address is named under its field, then the right one connects and previews.
      await page.locator('#external-reference').fill(`${upstream.host}/lib/no-such-app`);
      await page.getByRole('button', { name: 'Test connection' }).click();
      await page.getByText('The connection test failed: see the fields marked below.').waitFor();
      await page.locator('#external-reference-error').getByText(/the upstream has no repository/).waitFor();
      await page.locator('#external-reference').fill(`${upstream.host}/lib/app`);
      await page.getByRole('button', { name: 'Test connection' }).click();
      await page.getByText('The connection works.').waitFor();
      await page.getByText(/^Connected: the upstream lists \d+ tags?; the tag rule selects 2: v/).waitFor();
      assert.equal(await page.locator('#external-reference-error').count(), 0, 'the fixed address no longer shows the refusal');
      await page.getByRole('button', { name: 'Preview', exact: true }).click();
      await page.getByText('Created with these settings, the first run would:').waitFor();
      await page.getByText('2 tags match: copy 2 tags').waitFor();
      await check('new-mirror');
      await page.getByRole('button', { name: 'Create mirror' }).click();
      await page.waitForURL(new RegExp(`/repository/${web}/app\\?tab=mirroring$`));
      await page.getByText('Not synced yet').first().waitFor();
      await page.getByRole('button', { name: 'Preview changes' }).click();
      await page.getByText('2 tags match: copy 2 tags').waitFor();
      await check('mirroring');

      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.getByText('A sync was requested').waitFor();
      await page.getByRole('link', { name: 'Watch the current run' }).or(page.getByRole('link', { name: 'Open the last run' })).first().click({ timeout: 60_000 });
      await page.waitForURL(/\/mirror\/runs\/[0-9a-f-]{36}$/);
      await page.getByRole('heading', { name: /^Sync now run of .* Succeeded$/, level: 1 }).waitFor({ timeout: 90_000 });
      for (const tag of ['v1', 'v2']) await table('Tag results').getByRole('row').filter({ hasText: tag }).getByText('Copied').waitFor();
      await page.getByText('2 copied, 0 unchanged, 0 failed, 0 deleted').waitFor();
      assert.equal(await page.getByText('Data copied').locator('..').getByText('0 B', { exact: true }).count(), 0, 'the run copied data');
      await check('run');
    });

    step(`reads the logs in words, adds a push hook and an inbox rule at ${w} px`, async () => {
      await page.getByRole('link', { name: `${web}/app` }).click();
      await tab('Usage logs');
      const logs = table('Usage logs');
      await logs.getByText(/^The run succeeded: 2 tags copied, 0 unchanged/).waitFor();
      await logs.getByText(/^Tag v1 was copied \(/).waitFor();
      await logs.getByText('Sync now was requested.').waitFor();
      assert.equal(await logs.getByText('MirrorTagSynced').count(), 0, 'no raw kind in the list');
      await logs.getByRole('row').filter({ hasText: 'Sync now was requested.' }).getByRole('button').click();
      await logs.getByText('MirrorSyncNowRequested').waitFor();
      await check('usage-logs');

      await tab('Push hooks');
      await page.getByRole('button', { name: 'Create hook' }).click();
      await page.getByText('Copy the secret now: it is not shown again.').waitFor();
      assert.match(await page.getByRole('textbox', { name: 'Hook secret' }).inputValue(), /.{20,}/);
      await page.getByText(/Authorization: \[Bearer /).waitFor();
      await check('push-hooks');

      await tab('Notification rules');
      await page.getByText('Selected: Mirror failed.').waitFor();
      await page.locator('#rule-event-repo_mirror_sync_failed').uncheck();
      await page.getByText('Nothing selected: tick at least one event.').waitFor();
      await page.locator('#rule-event-repo_mirror_sync_success').check();
      await page.locator('#rule-method').selectOption('quay_notification');
      await page.locator('#rule-target').fill('admin');
      await page.locator('#rule-title').fill(`${p} inbox`);
      await page.getByRole('button', { name: 'Add rule' }).click();
      await table('Notification rules').getByText(`${p} inbox`).waitFor();
      await check('notification-rules');
      // Another run, which the new rule tells the inbox of.
      await tab('Mirroring');
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.getByText('A sync was requested').waitFor();
    });

    step(`creates a mirror that verifies signatures with a key, syncs and reads each tag's signer or refusal at ${w} px`, async () => {
      const pem = release.publicPem;
      await navigate('Create a mirror');
      await page.getByRole('heading', { name: 'Create a mirror', level: 1 }).waitFor();
      await page.locator('#namespace').selectOption(web);
      await page.locator('#repository').fill('signed');
      await page.locator('#external-reference').fill(`${upstream.host}/lib/signed`);
      await page.locator('#tags').fill('v*');
      await page.locator('#start-date').fill('2099-01-01T00:00');
      // The picker replaces a text field once the organization's robots are read: wait for it.
      await page.locator('select#robot').selectOption(`${web}+syncer`);
      await page.getByText('Advanced settings').click();
      await page.locator('#verify-tls').uncheck();
      await page.locator('#signature-policy').selectOption('verify');
      await page.getByText('Each image is checked against the keys and identities below').waitFor();
      await page.getByRole('button', { name: 'Add a key', exact: true }).click();
      await page.locator('#trust-key-0-name').fill('release');
      // Not a key first: the API names the field, and the form shows it there.
      await page.locator('#trust-key-0-pem').fill('not a key');
      await page.locator('#trust-quarantine').check();
      await page.getByRole('button', { name: 'Create mirror' }).click();
      await page.locator('#trust-key-0-pem-error').waitFor();
      await page.locator('#trust-key-0-pem').fill(pem);
      await page.locator('#trust-key-0-pem-error').waitFor({ state: 'detached' });
      await check('new-mirror-verify');
      await page.getByRole('button', { name: 'Create mirror' }).click();
      await page.waitForURL(new RegExp(`/repository/${web}/signed\\?tab=mirroring$`));
      // Read back: the policy, its key and the quarantine as saved.
      assert.equal(await page.locator('#signature-policy').inputValue(), 'verify');
      assert.equal(await page.locator('#trust-key-0-name').inputValue(), 'release');
      assert.equal((await page.locator('#trust-key-0-pem').inputValue()).trim(), pem.trim());
      assert.equal(await page.locator('#trust-quarantine').isChecked(), true);
      await check('mirroring-verify');
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.getByText('A sync was requested').waitFor();
      // The Tags tab: v1 signed by the release key, in words, its details behind the expander.
      const deadline = Date.now() + 120_000;
      const tags = table('Tags');
      for (;;) {
        await page.goto(url(`/repository/${web}/signed?tab=tags`));
        await page.getByRole('heading', { name: 'Tags on the target' }).waitFor();
        // The signature tag is copied after the image it signs: a page read between the two lacks its row.
        const signatureTag = tags.getByText(/^The signatures of the image sha256:[0-9a-f]{12}, copied with it$/);
        if ((await tags.getByText('Signed by key release').count()) && (await signatureTag.count())) break;
        assert.ok(Date.now() < deadline, 'v1 and its signature tag were verified and copied within 2 minutes');
        await page.waitForTimeout(2000);
      }
      assert.equal(await tags.getByRole('row').filter({ hasText: 'v2' }).count(), 0, 'the unsigned v2 is not tagged on the target');
      await page.getByRole('button', { name: 'Signature details of v1' }).click();
      await tags.getByText(/^Key release: sha256:/).waitFor();
      // cosign's signature tag, copied with the image it signs, says so.
      await tags.getByText(/^The signatures of the image sha256:[0-9a-f]{12}, copied with it$/).waitFor();
      // A long tag name (cosign's) wraps: nothing was scrolled sideways to show the details.
      assert.deepEqual(await page.evaluate(`[...document.querySelectorAll('body *')].filter((e) => e.scrollLeft > 0).map((e) => e.tagName + '.' + String(e.className).slice(0, 60))`), [], 'nothing scrolled sideways');
      await check('tags-signature');
    });

    step(`mirrors a whole upstream namespace into a new organization at ${w} px`, async () => {
      await navigate('Organizations');
      await page.locator('#org-name').fill(hub);
      await page.getByRole('button', { name: 'Create organization' }).click();
      await page.waitForURL(new RegExp(`/organization/${hub}$`));
      await tab('Robot accounts');
      await page.locator('#robot-name').fill('mirrorbot');
      await page.getByRole('button', { name: 'Create robot account' }).click();
      await table('Robot accounts').getByText(`${hub}+mirrorbot`).waitFor();

      await tab('Organization mirroring');
      await page.locator('#org-type').selectOption('distribution');
      await page.locator('#org-url').fill(upstream.url);
      await page.locator('#org-namespace').fill('team');
      await page.locator('#org-filters').fill('svc-*');
      await page.locator('#org-robot').selectOption(`${hub}+mirrorbot`);
      await page.locator('#org-start').fill('2099-01-01T00:00');
      await page.getByRole('button', { name: 'Upstream login and TLS' }).click();
      await page.locator('#org-verify-tls').uncheck();
      await check('org-mirror-form');
      await page.getByRole('button', { name: 'Create organization mirror' }).click();
      await page.getByRole('button', { name: 'Test connection' }).click();
      await page.getByText(/Connection works/).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Sync now' }).click();
      const discovered = table('Discovered repositories');
      for (const name of ['svc-a', 'svc-b']) await discovered.getByRole('row').filter({ hasText: name }).getByText('Synced').waitFor({ timeout: 120_000 });
      await page.getByText('Synced: 2').waitFor({ timeout: 30_000 });
      // What the discovery did, in the API's own sentence.
      await table('Organization mirror log').getByText(/succeeded: it listed 2 repositories/).first().waitFor({ timeout: 30_000 });
      await check('org-mirroring');
      // Change it from the browser: discover every 2 days instead of every day.
      await page.getByRole('button', { name: 'Edit settings' }).click();
      await page.getByRole('heading', { name: 'Change the organization mirror' }).waitFor();
      await page.locator('#org-interval').fill('2');
      await check('org-mirror-edit');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('The organization mirror is saved; its repositories follow.').waitFor();
      await page.getByText(/^Every 2 d;/).waitFor();
      await page.getByRole('button', { name: 'Delete organization mirror' }).waitFor();
      await tab('Repositories');
      await table(`Repositories of ${hub}`).getByRole('row').filter({ hasText: 'svc-a' }).getByText('Synced').waitFor();
      await check('organization-repositories');
    });

    step(`makes an organization a proxy cache, tests the connection first, at ${w} px`, async () => {
      const cache = `${p}cache`;
      await navigate('Organizations');
      await page.locator('#org-name').fill(cache);
      await page.getByRole('button', { name: 'Create organization' }).click();
      await page.waitForURL(new RegExp(`/organization/${cache}$`));
      await tab('Proxy cache');
      await page.locator('#proxy-upstream').fill(`${upstream.host}/lib`);
      await page.locator('#proxy-expiration').fill('2');
      await page.locator('#proxy-expiration-unit').selectOption('hours');
      await page.locator('#proxy-insecure').check();
      await page.getByText('No password is set: the upstream is read anonymously unless you type one.').waitFor();
      await page.getByRole('button', { name: 'Test connection' }).click();
      await page.getByText('The upstream answered with these settings.').waitFor({ timeout: 30_000 });
      await check('proxy-cache-form');
      await page.getByRole('button', { name: 'Make it a proxy cache' }).click();
      await page.getByRole('heading', { name: `A proxy cache of ${upstream.host}/lib` }).waitFor();
      await page.getByText(/A tag is served from the cache for 2 h after the upstream last confirmed it/).waitFor();
      // What was pulled through, in the console's words: durations with units, not seconds.
      await page.getByText(`became a proxy cache of ${upstream.host}/lib: tags are re-checked after 2 h and served stale for up to 7 d past that.`, { exact: false }).first().waitFor({ timeout: 30_000 });
      await check('proxy-cache');
    });

    step(`reads the inbox, manages users, lists the repositories and signs out at ${w} px`, async () => {
      await navigate('Inbox');
      await page.getByRole('heading', { name: /^Inbox/, level: 1 }).waitFor();
      await table('Notifications').getByRole('row').filter({ hasText: `${web}/app` }).first().waitFor({ timeout: 60_000 });
      await check('inbox');

      await navigate('Users');
      await page.locator('#user-name').fill(`${p}dev`);
      await page.getByRole('button', { name: 'Create user' }).click();
      await page.getByText(`User ${p}dev is created. Give them this password`).waitFor();
      await table('Users').getByText(`${p}dev`).waitFor();
      await check('users');

      await navigate('Repositories');
      const repositories = table('Repositories');
      await repositories.getByRole('row').filter({ hasText: `${web}` }).getByText('Synced').first().waitFor();
      await check('repositories');

      await userMenu('Sign out');
      await page.waitForURL(/\/signin/);
      await page.getByRole('heading', { name: 'Sign in to Ferry' }).waitFor();
      await page.context().close();
    });
  }
});
