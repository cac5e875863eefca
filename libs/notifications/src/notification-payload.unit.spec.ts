import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildNotificationPayload, notificationEventOf } from './notification-payload';
import { failedEvent, STARTED_AT, startedEvent, succeededEvent } from './notification.fixtures';

const BASE = { registryHost: 'registry.example.com:5000', homepageBaseUrl: 'https://ferry.example.com/' };

describe('a payload for a started run', () => {
  const payload = buildNotificationPayload({ ...BASE, event: startedEvent() });

  it("carries Quay's six fields with Quay's meaning", () => {
    assert.equal(payload.repository, 'acme/app');
    assert.equal(payload.namespace, 'acme');
    assert.equal(payload.name, 'app');
    assert.equal(payload.docker_url, 'registry.example.com:5000/acme/app');
    assert.equal(payload.homepage, 'https://ferry.example.com/repository/acme/app');
    assert.match(payload.message, /started for acme\/app from quay\.io\/acme\/app/);
  });
  it('names the event, the run and the event id', () => {
    assert.equal(payload.event, 'repo_mirror_sync_started');
    assert.equal(payload.run_id, 'run-42');
    assert.equal(payload.event_id, startedEvent().id);
    assert.equal(payload.run_url, 'https://ferry.example.com/repository/acme/app/mirror/runs/run-42');
    assert.equal(payload.outcome, 'running');
  });
  it('leaves counts, bytes and duration null and has no error', () => {
    assert.deepEqual(payload.tags, []);
    assert.equal(payload.tags_copied, null);
    assert.equal(payload.bytes, null);
    assert.equal(payload.duration_seconds, null);
    assert.equal('error' in payload, false);
  });
});

describe('a payload for a succeeded run', () => {
  const payload = buildNotificationPayload({ ...BASE, event: succeededEvent(), runStartedAt: STARTED_AT });

  it('carries the summary counts and bytes', () => {
    assert.equal(payload.event, 'repo_mirror_sync_success');
    assert.equal(payload.outcome, 'succeeded');
    assert.deepEqual(payload.tags, ['v3.1', 'v3.2', 'latest']);
    assert.equal(payload.tags_copied, 2);
    assert.equal(payload.tags_unchanged, 1);
    assert.equal(payload.tags_deleted, 1);
    assert.equal(payload.tags_failed, 0);
    assert.equal(payload.bytes, 5_242_880);
  });
  it('measures the duration from the run start to the event', () => {
    assert.equal(payload.duration_seconds, 65.25);
  });
  it('has a null duration when the start is unknown', () => {
    assert.equal(buildNotificationPayload({ ...BASE, event: succeededEvent() }).duration_seconds, null);
  });
  it('is plain JSON (round-trips unchanged)', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(payload)), payload);
  });
});

describe('a payload for a failed run', () => {
  const payload = buildNotificationPayload({ ...BASE, event: failedEvent('bad creds'), runStartedAt: STARTED_AT });

  it('carries the error code and message', () => {
    assert.equal(payload.event, 'repo_mirror_sync_failed');
    assert.equal(payload.outcome, 'failed');
    assert.deepEqual(payload.error, { code: 'UNAUTHORIZED', message: 'bad creds' });
    assert.match(payload.message, /UNAUTHORIZED: bad creds/);
    assert.equal(payload.tags_failed, 1);
    assert.equal(payload.duration_seconds, 30);
  });
});

describe('ids with URL-special characters', () => {
  it('are percent-encoded in the links but not in the repository name', () => {
    const payload = buildNotificationPayload({ ...BASE, event: startedEvent({ mirrorId: 'ac me/a#pp', runId: 'r/1?x' }) });
    assert.equal(payload.repository, 'ac me/a#pp');
    assert.equal(payload.run_url, 'https://ferry.example.com/repository/ac%20me/a%23pp/mirror/runs/r%2F1%3Fx');
  });
  it('refuse a mirror id without a namespace', () => {
    assert.throws(() => buildNotificationPayload({ ...BASE, event: startedEvent({ mirrorId: 'app' }) }), TypeError);
  });
});

describe('event names', () => {
  it("map to Quay's notification events", () => {
    assert.equal(notificationEventOf('MirrorStarted'), 'repo_mirror_sync_started');
    assert.equal(notificationEventOf('MirrorSucceeded'), 'repo_mirror_sync_success');
    assert.equal(notificationEventOf('MirrorFailed'), 'repo_mirror_sync_failed');
  });
});
