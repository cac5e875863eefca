import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTestDatabase,
  manifestDigest,
  pushImage,
  startRegistry,
  testEventLogNames,
  type RunningRegistry,
  type TestDatabase,
} from '@ferry/testing';
import { destroyEventLog } from './event-log';
import { apiClient, createOrganizationWithRobot, onDemandMirrorBody, syncNowAndWait, type MirrorView } from './api-client';
import { startFerry, testDeploymentEnv, type FerryProcesses } from './ferry-processes';

const DRIFT_CHECK_SECONDS = 12;
const TAGS = ['v1', 'v2', 'v3'];

interface RunView {
  status: string;
  started_at: string;
  tags_copied: number;
  tags_unchanged: number;
  target_checked: boolean | null;
}

describe('between full checks, the worker trusts what the last run wrote to the target', () => {
  let upstream: RunningRegistry;
  let target: RunningRegistry;
  let db: TestDatabase;
  let ferry: FerryProcesses;
  const names = testEventLogNames();
  const api = apiClient(() => ferry);
  const mirrorPath = '/repository/ledger/app/mirror';

  async function run(): Promise<RunView & { id: string }> {
    const view: MirrorView = await syncNowAndWait(api, mirrorPath);
    assert.equal(view.sync_status, 'SUCCESS', ferry.output());
    const run = (await api('GET', `${mirrorPath}/runs/${view.last_run_id}`)).json as RunView;
    return { ...run, id: view.last_run_id! };
  }

  before(async () => {
    [upstream, target, db] = await Promise.all([startRegistry(), startRegistry({ countRequests: true }), createTestDatabase()]);
    for (const tag of TAGS) await pushImage(upstream, 'library/app', tag, { mediaType: 'oci', layers: [{ seed: `ledger-${tag}`, size: 2048 }] });
    ferry = await startFerry({
      ...testDeploymentEnv({ databaseUrl: db.url, names, targetUrl: target.url }),
      FERRY_DRIFT_CHECK_SECONDS: String(DRIFT_CHECK_SECONDS),
    });
    await createOrganizationWithRobot(api, 'ledger');
    const created = await api('POST', mirrorPath, onDemandMirrorBody(`${upstream.host}/library/app`, 'ledger+syncer', ['v*']));
    assert.equal(created.status, 201, JSON.stringify(created.json));
  });

  after(async () => {
    await ferry?.stopAll();
    await destroyEventLog(names);
    await Promise.all([upstream?.stop(), target?.stop()]);
    await db?.drop();
  });

  let fullCheck: RunView & { id: string };
  it('checks the target on the first run', async () => {
    fullCheck = await run();
    assert.equal(fullCheck.tags_copied, TAGS.length);
    assert.equal(fullCheck.target_checked, true);
  });

  it('then costs the target one listing when nothing changed upstream', async () => {
    await target.resetRequestCount();
    const noop = await run();
    assert.equal(await target.settleRequestCount(), 1, 'only the target tag listing');
    assert.equal(noop.tags_unchanged, TAGS.length);
    assert.equal(noop.target_checked, false);
  });

  it('leaves a tag changed behind its back until the next full check, which repairs it', async () => {
    const upstreamV2 = await manifestDigest(upstream, 'library/app', 'v2');
    const tampered = await pushImage(target, 'ledger/app', 'v2', { mediaType: 'oci', layers: [{ seed: 'tampered', size: 64 }] });
    const trusting = await run();
    assert.equal(trusting.tags_unchanged, TAGS.length);
    assert.equal(await manifestDigest(target, 'ledger/app', 'v2'), tampered.digest, 'not noticed before the drift check is due');

    const due = Date.parse(fullCheck.started_at) + DRIFT_CHECK_SECONDS * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now()) + 200));
    const repaired = await run();
    assert.equal(repaired.target_checked, true);
    assert.equal(repaired.tags_copied, 1);
    assert.equal(await manifestDigest(target, 'ledger/app', 'v2'), upstreamV2);
  });
});
