import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { DomainErrorCode, NotificationEvent, NotificationMethod } from '@ferry/contracts';
import { NotificationRuleRow } from '@ferry/read-models';
import { createSecretBox } from '@ferry/secrets';
import { createTestDatabase, testEventLogNames, TEST_NATS_URL, type TestDatabase } from '@ferry/testing';
import type { MirrorConfigServiceConfig } from '../config';
import { NotFoundError } from '../http/problem';
import { openServiceTestBed, refusedField, refusedWith, type ServiceTestBed } from '../service-test-bed';
import { NotificationRuleQueries } from './notification-rule-queries';
import { NotificationRuleService } from './notification-rule.service';
import { UserNotificationQueries } from './user-notification-queries';

const SECRETS = createSecretBox(randomBytes(32));
const APP = { mirrorId: 'acme/app' };
const ACME = { namespace: 'acme' };
const emailRule = { event: NotificationEvent.Failed, method: NotificationMethod.Email, config: { email: 'ops@acme.example' }, title: 'tell ops' };
const inAppRule = { events: [NotificationEvent.Succeeded, NotificationEvent.Failed], method: NotificationMethod.InApp, config: { target: { kind: 'user', name: 'alice' } } };

/** Notification rules of the mirror acme/app and of the namespace acme, through the rule service. */
describe('the notification rule service over the event log and the read models', () => {
  let db: TestDatabase;
  let bed: ServiceTestBed;
  let rules: NotificationRuleService;
  let inbox: UserNotificationQueries;

  before(async () => {
    db = await createTestDatabase();
    bed = await openServiceTestBed({ databaseUrl: db.url, natsUrl: TEST_NATS_URL, ...testEventLogNames() });
    const config = {
      notificationSender: { allowedHosts: [], registryHost: 'registry.test', homepageUrl: 'http://ferry.test', timeoutMs: 1_000, smtp: undefined },
    } as unknown as MirrorConfigServiceConfig;
    rules = new NotificationRuleService(new NotificationRuleQueries(bed.dataSource), SECRETS, config, bed.commands);
    inbox = new UserNotificationQueries(bed.dataSource);
  });

  after(async () => {
    await bed?.close();
    await db?.drop();
  });

  it('creates a mirror\'s e-mail rule and shows it in Quay\'s shape', async () => {
    const view = await rules.create(APP, emailRule, bed.causation);
    assert.deepEqual(
      { ...view, uuid: undefined },
      {
        uuid: undefined,
        title: 'tell ops',
        event: NotificationEvent.Failed,
        events: [NotificationEvent.Failed],
        method: NotificationMethod.Email,
        config: { email: 'ops@acme.example' },
        event_config: { min_consecutive_failures: 1 },
        repository: 'acme/app',
        namespace: 'acme',
        number_of_failures: 0,
      },
    );
  });

  it('keeps a namespace\'s rules apart from its mirrors\'', async () => {
    const namespaceRule = await rules.create(ACME, inAppRule, bed.causation);
    assert.equal(namespaceRule.repository, null);
    assert.deepEqual((await rules.list(ACME)).notifications.map((r) => r.uuid), [namespaceRule.uuid]);
    assert.deepEqual((await rules.list(APP)).notifications.map((r) => r.method), [NotificationMethod.Email]);
    await assert.rejects(rules.deliveries(APP, namespaceRule.uuid, undefined), (error: unknown) => error instanceof NotFoundError && error.message === 'no such notification rule here');
  });

  it('refuses a webhook to an internal address at creation, naming config.url', async () => {
    const before = await bed.dataSource.getRepository(NotificationRuleRow).count();
    await assert.rejects(rules.create(APP, { event: NotificationEvent.Failed, method: NotificationMethod.Webhook, config: { url: 'http://10.1.2.3/hook' } }, bed.causation), refusedField('config.url'));
    assert.equal(await bed.dataSource.getRepository(NotificationRuleRow).count(), before);
  });

  it('sends an in-app rule\'s test to its user\'s list, not to the delivery log', async () => {
    const [rule] = (await rules.list(ACME)).notifications;
    const result = await rules.test(ACME, rule!.uuid);
    assert.deepEqual({ ...result, delivery_id: result.delivery_id.startsWith('test-') }, { delivery_id: true, delivered: true, status_code: null, error: null, duration_ms: 0 });
    const alice = await inbox.list('alice', { unread: undefined, limit: undefined });
    assert.deepEqual(alice.notifications.map((n) => [n.id, n.kind, n.repository]), [[result.delivery_id, NotificationEvent.Succeeded, 'acme/test-notification']]);
    assert.deepEqual(await rules.deliveries(ACME, rule!.uuid, undefined), { deliveries: [] });
  });

  it("counts failed sends in a row from the delivery log (Quay's number_of_failures), and a reset makes it read zero", async () => {
    const rule = await rules.create(APP, { event: NotificationEvent.Failed, method: NotificationMethod.Email, config: { email: 'count@acme.example' } }, bed.causation);
    const delivered = async (status: 'dead' | 'delivered' | 'pending', minutesAgo: number, lastError: string | null = null) => {
      const at = new Date(Date.now() - minutesAgo * 60_000);
      await bed.dataSource.query(
        `INSERT INTO notification_deliveries (delivery_id, event_id, rule_id, mirror_id, event, method, status, attempts, last_error, created_at, updated_at)
         VALUES ($1, $2, $3, 'acme/app', 'repo_mirror_sync_failed', 'email', $4, 3, $5, $6, $6)`,
        [randomUUID(), randomUUID(), rule.uuid, status, lastError, at],
      );
    };
    await delivered('dead', 30);
    await delivered('delivered', 20);
    assert.equal((await rules.get(APP, rule.uuid)).number_of_failures, 0, 'a delivered notification ends the failures before it');
    await delivered('dead', 10);
    await delivered('pending', 9);
    await delivered('dead', 8);
    await delivered('dead', 7, 'RULE_DISABLED: skipped, not sent');
    assert.equal((await rules.get(APP, rule.uuid)).number_of_failures, 2, 'dead deliveries count; one still retrying or skipped does not');
    assert.equal((await rules.list(APP)).notifications.find((r) => r.uuid === rule.uuid)!.number_of_failures, 2);

    await assert.rejects(rules.resetFailures(ACME, rule.uuid, bed.causation), refusedWith(DomainErrorCode.RuleNotFound));
    await rules.resetFailures(APP, rule.uuid, bed.causation);
    assert.equal((await rules.get(APP, rule.uuid)).number_of_failures, 0);
    const row = await bed.dataSource.getRepository(NotificationRuleRow).findOneByOrFail({ ruleId: rule.uuid });
    assert.equal(row.disabled, false);
    assert.ok(row.failuresResetAt, 'the reset is kept in the read model');
    await assert.rejects(rules.resetFailures(APP, randomUUID(), bed.causation), refusedWith(DomainErrorCode.RuleNotFound));
    await assert.rejects(rules.resetFailures(APP, 'not-a-uuid', bed.causation), refusedField('uuid'));
    await rules.delete(APP, rule.uuid, bed.causation);
  });

  it('refuses an id that is no UUID and a bad limit, naming the field', async () => {
    await assert.rejects(rules.delete(APP, 'not-a-uuid', bed.causation), refusedField('uuid'));
    const [rule] = (await rules.list(APP)).notifications;
    await assert.rejects(rules.deliveries(APP, rule!.uuid, '0'), refusedField('limit'));
  });

  it('deletes a rule only in its own scope', async () => {
    const [rule] = (await rules.list(APP)).notifications;
    await assert.rejects(rules.delete(ACME, rule!.uuid, bed.causation), refusedWith(DomainErrorCode.RuleNotFound));
    await rules.delete(APP, rule!.uuid, bed.causation);
    assert.deepEqual((await rules.list(APP)).notifications, []);
    await assert.rejects(rules.test(APP, rule!.uuid), NotFoundError);
    await assert.rejects(rules.delete(APP, randomUUID(), bed.causation), refusedWith(DomainErrorCode.RuleNotFound));
  });
});
