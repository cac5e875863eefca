import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { NotificationMethod } from '@ferry/contracts';
import { NotificationDeliveryAttemptRow, NotificationDeliveryRow, NotificationRuleRow, openDatabase, RepositoryRow, UserNotificationRow } from '@ferry/read-models';
import { createTestDatabase, type TestDatabase } from '@ferry/testing';
import { InvalidRequestError, NotFoundError } from '../http/problem';
import { NotificationRuleQueries } from './notification-rule-queries';
import { UserNotificationQueries } from './user-notification-queries';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));

function notification(id: string, username: string, minute: number, read: boolean) {
  return { id, username, ruleId: null, eventId: null, mirrorId: 'acme/app', runId: null, event: 'repo_mirror_sync_failed', message: `message ${id}`, payload: { id }, createdAt: at(minute), readAt: read ? at(minute + 1) : null };
}

function rule(ruleId: string, scope: { mirrorId: string | null; namespace: string }, minute: number) {
  return {
    ruleId,
    ...scope,
    event: 'repo_mirror_sync_failed' as const,
    events: ['repo_mirror_sync_failed' as const],
    method: NotificationMethod.Email,
    target: 'ops@example.com',
    title: ruleId,
    secret: null,
    minConsecutiveFailures: 1,
    createdAt: at(minute),
  };
}

describe('the notification queries over the read models', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let users: UserNotificationQueries;
  let rules: NotificationRuleQueries;
  const mirrorRule = randomUUID();
  const secondMirrorRule = randomUUID();
  const namespaceRule = randomUUID();
  const otherMirrorRule = randomUUID();

  before(async () => {
    db = await createTestDatabase();
    ds = await openDatabase(db.url);
    users = new UserNotificationQueries(ds);
    rules = new NotificationRuleQueries(ds);
    await ds.getRepository(UserNotificationRow).insert([
      notification('n1', 'alice', 1, true),
      notification('n2', 'alice', 2, false),
      notification('n3', 'alice', 3, false),
      // Two at the same moment: the id decides.
      notification('n4b', 'alice', 4, false),
      notification('n4a', 'alice', 4, true),
      notification('b1', 'bob', 5, false),
    ]);
    await ds.getRepository(RepositoryRow).insert({ namespace: 'acme', name: 'plain', description: '', visibility: 'private' as const, state: 'NORMAL' as const, createdAt: new Date() });
    await ds.getRepository(NotificationRuleRow).insert([
      rule(secondMirrorRule, { mirrorId: 'acme/app', namespace: 'acme' }, 2),
      rule(mirrorRule, { mirrorId: 'acme/app', namespace: 'acme' }, 1),
      rule(namespaceRule, { mirrorId: null, namespace: 'acme' }, 3),
      rule(otherMirrorRule, { mirrorId: 'acme/other', namespace: 'acme' }, 4),
    ]);
  });

  after(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  describe('a user\'s in-app notifications', () => {
    it('lists the user\'s own, newest first (ties by id), with the count of unread ones', async () => {
      const list = await users.list('alice', { unread: undefined, limit: undefined });
      assert.deepEqual(list.notifications.map((n) => n.id), ['n4a', 'n4b', 'n3', 'n2', 'n1']);
      assert.equal(list.unread, 3);
      assert.deepEqual(list.notifications[4], {
        id: 'n1',
        kind: 'repo_mirror_sync_failed',
        repository: 'acme/app',
        run_id: null,
        message: 'message n1',
        created: at(1).toISOString(),
        read: true,
        read_at: at(2).toISOString(),
        metadata: { id: 'n1' },
      });
    });

    it('lists only the unread ones with unread=true, and at most limit, still counting every unread one', async () => {
      const unread = await users.list('alice', { unread: 'true', limit: undefined });
      assert.deepEqual(unread.notifications.map((n) => n.id), ['n4b', 'n3', 'n2']);
      const two = await users.list('alice', { unread: 'false', limit: '2' });
      assert.deepEqual(two.notifications.map((n) => n.id), ['n4a', 'n4b']);
      assert.equal(two.unread, 3);
    });

    it('refuses a bad user name, a bad unread and a bad limit, naming the field', async () => {
      const refused = (field: string) => (error: unknown) => error instanceof InvalidRequestError && error.problems.some((p) => p.field === field);
      await assert.rejects(users.list('-alice', { unread: undefined, limit: undefined }), refused('username'));
      await assert.rejects(users.list('alice', { unread: 'yes', limit: undefined }), refused('unread'));
      await assert.rejects(users.list('alice', { unread: undefined, limit: '0' }), refused('limit'));
      // The user name is judged first.
      await assert.rejects(users.list('-alice', { unread: 'yes', limit: undefined }), (error: unknown) => error instanceof InvalidRequestError && error.problems.length === 1 && error.problems[0]!.field === 'username');
    });

    it('marks one read once: marking it again keeps the first time', async () => {
      const first = await users.markRead('alice', 'n2');
      assert.equal(first.read, true);
      assert.ok(first.read_at);
      const again = await users.markRead('alice', 'n2');
      assert.equal(again.read_at, first.read_at);
      assert.equal((await users.list('alice', { unread: undefined, limit: undefined })).unread, 2);
    });

    it('marks a read one as it was, and answers 404 for another user\'s or an unknown one', async () => {
      assert.equal((await users.markRead('alice', 'n1')).read_at, at(2).toISOString());
      await assert.rejects(users.markRead('alice', 'b1'), (error: unknown) => error instanceof NotFoundError && error.message === 'no notification b1 for alice');
      await assert.rejects(users.markRead('alice', 'nothing'), NotFoundError);
      const bob = await users.list('bob', { unread: undefined, limit: undefined });
      assert.deepEqual({ ids: bob.notifications.map((n) => n.id), unread: bob.unread }, { ids: ['b1'], unread: 1 });
    });
  });

  describe('notification rules', () => {
    it('scopes a repository path to its mirror id when the repository exists', async () => {
      assert.deepEqual(await rules.repositoryScope('acme', 'plain'), { mirrorId: 'acme/plain' });
    });

    it('answers 404 for a repository that neither exists nor has a mirror, and 400 for a bad name', async () => {
      await assert.rejects(rules.repositoryScope('acme', 'ghost'), (error: unknown) => error instanceof NotFoundError && error.message === 'no repository acme/ghost');
      await assert.rejects(rules.repositoryScope('acme', 'Bad Name'), (error: unknown) => error instanceof InvalidRequestError && error.problems[0]!.field === 'repository');
    });

    it('lists a mirror\'s rules oldest first, and a namespace\'s own rules without its mirrors\'', async () => {
      assert.deepEqual((await rules.rules({ mirrorId: 'acme/app' })).map((r) => r.ruleId), [mirrorRule, secondMirrorRule]);
      assert.deepEqual((await rules.rules({ namespace: 'acme' })).map((r) => r.ruleId), [namespaceRule]);
      assert.deepEqual(await rules.rules({ namespace: 'other' }), []);
    });

    it('reads one rule, and fails loudly for a created rule that is not there', async () => {
      assert.equal((await rules.rule(mirrorRule))?.namespace, 'acme');
      assert.equal(await rules.rule(randomUUID()), null);
      assert.equal((await rules.createdRule(namespaceRule)).mirrorId, null);
      await assert.rejects(rules.createdRule(randomUUID()), (error: unknown) => !(error instanceof NotFoundError));
    });

    it('reads the newest deliveries of one rule with every attempt in order, and none of another rule\'s', async () => {
      const delivery = (id: string, ruleId: string, minute: number) => ({
        deliveryId: id,
        eventId: randomUUID(),
        ruleId,
        mirrorId: 'acme/app',
        runId: null,
        event: 'repo_mirror_sync_failed',
        method: 'email',
        status: 'delivered' as const,
        attempts: 1,
        lastStatusCode: null,
        lastError: null,
        payload: { sample: false },
        nextAttemptAt: null,
        claimedUntil: null,
        claimToken: null,
        traceparent: null,
        tracestate: null,
        createdAt: at(minute),
        updatedAt: at(minute),
      });
      await ds.getRepository(NotificationDeliveryRow).insert([delivery('d1', mirrorRule, 1), delivery('d2', mirrorRule, 2), delivery('d3', mirrorRule, 3), delivery('x1', secondMirrorRule, 4)]);
      const attempt = (deliveryId: string, n: number) => ({ deliveryId, attempt: n, attemptedAt: at(n), outcome: n === 1 ? 'failed' : 'delivered', statusCode: null, error: null, durationMs: 5 });
      await ds.getRepository(NotificationDeliveryAttemptRow).insert([attempt('d3', 2), attempt('d3', 1), attempt('d2', 1), attempt('d1', 1), attempt('x1', 1)]);

      const { deliveries, attempts } = await rules.deliveries(mirrorRule, 2);
      assert.deepEqual(deliveries.map((d) => d.deliveryId), ['d3', 'd2']);
      assert.deepEqual(attempts.map((a) => [a.deliveryId, a.attempt]).sort(), [['d2', 1], ['d3', 1], ['d3', 2]]);
      assert.deepEqual(attempts.filter((a) => a.deliveryId === 'd3').map((a) => a.attempt), [1, 2]);
      assert.deepEqual(await rules.deliveries(namespaceRule, 10), { deliveries: [], attempts: [] });
    });

    it('puts a test\'s sample in the user\'s in-app list', async () => {
      const payload = { event: 'repo_mirror_sync_failed', message: 'a test of the rule', sample: true };
      await rules.insertUserNotification({ id: 'test-1', username: 'carol', ruleId: randomUUID(), eventId: null, mirrorId: 'acme/app', runId: null, payload, createdAt: at(9) });
      const carol = await users.list('carol', { unread: undefined, limit: undefined });
      assert.deepEqual(carol.notifications.map((n) => [n.id, n.metadata]), [['test-1', payload]]);
    });
  });
});
