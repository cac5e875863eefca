import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Quay's failure count of a notification rule: from when failures count (its last reset) and
 * whether the notifier disabled it for failing, kept by the rules' projection from the rule's
 * events. Existing rules start enabled and never reset, as their events say.
 */
export class NotificationRuleFailures1764866000000 implements MigrationInterface {
  name = 'NotificationRuleFailures1764866000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification_rules ADD COLUMN failures_reset_at timestamptz, ADD COLUMN disabled boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification_rules DROP COLUMN failures_reset_at, DROP COLUMN disabled`);
  }
}
