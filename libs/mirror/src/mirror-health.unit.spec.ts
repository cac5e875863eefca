import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MirrorStatus } from '@ferry/contracts';
import { mirrorHealth, STALE_AFTER_INTERVALS } from './mirror-health';

const now = new Date('2025-06-01T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
const facts = (over: Partial<Parameters<typeof mirrorHealth>[0]> = {}) => ({
  enabled: true,
  status: MirrorStatus.Success,
  syncIntervalSeconds: 3600,
  lastSuccessAt: ago(60),
  createdAt: ago(86_400),
  ...over,
});

describe('a mirror\'s health', () => {
  it('is fresh while its last success is within twice its interval', () => {
    const verdict = mirrorHealth(facts({ lastSuccessAt: ago(STALE_AFTER_INTERVALS * 3600 - 1) }), now);
    assert.equal(verdict.stale, false);
    assert.equal(verdict.lastSuccessAgeSeconds, STALE_AFTER_INTERVALS * 3600 - 1);
  });

  it('is stale once its last success is older than twice its interval', () => {
    assert.equal(mirrorHealth(facts({ lastSuccessAt: ago(2 * 3600 + 1) }), now).stale, true);
  });

  it('counts a mirror that never succeeded from its creation', () => {
    const young = mirrorHealth(facts({ lastSuccessAt: null, createdAt: ago(600), status: MirrorStatus.NeverRun }), now);
    assert.deepEqual(young, { lastSuccessAgeSeconds: 600, stale: false, failing: false });
    assert.equal(mirrorHealth(facts({ lastSuccessAt: null, createdAt: ago(3 * 3600) }), now).stale, true);
  });

  it('never calls a disabled mirror stale: it is not expected to sync', () => {
    assert.equal(mirrorHealth(facts({ enabled: false, lastSuccessAt: ago(30 * 86_400) }), now).stale, false);
  });

  it('calls a mirror failing when its last run failed, and only then', () => {
    assert.equal(mirrorHealth(facts({ status: MirrorStatus.Fail }), now).failing, true);
    for (const status of [MirrorStatus.Success, MirrorStatus.Syncing, MirrorStatus.Cancel, MirrorStatus.NeverRun]) assert.equal(mirrorHealth(facts({ status }), now).failing, false);
  });
});
