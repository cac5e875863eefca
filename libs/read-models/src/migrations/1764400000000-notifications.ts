import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications (issue 5): rules with several events and namespace rules; deliveries that each
 * rule retries on its own schedule (`next_attempt_at`, a claim that expires); every attempt
 * logged; in-app notifications per user.
 */
export class Notifications1764400000000 implements MigrationInterface {
  name = 'Notifications1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification_rules ALTER COLUMN mirror_id DROP NOT NULL`);
    await q.query(`ALTER TABLE notification_rules ADD COLUMN namespace text, ADD COLUMN events text[]`);
    await q.query(`UPDATE notification_rules SET namespace = split_part(mirror_id, '/', 1), events = ARRAY[event]`);
    await q.query(`ALTER TABLE notification_rules ALTER COLUMN namespace SET NOT NULL, ALTER COLUMN events SET NOT NULL`);
    await q.query(`CREATE INDEX notification_rules_namespace ON notification_rules (namespace) WHERE mirror_id IS NULL`);

    await q.query(`
      ALTER TABLE notification_deliveries
        ADD COLUMN run_id text,
        ADD COLUMN method text,
        ADD COLUMN payload jsonb,
        ADD COLUMN next_attempt_at timestamptz,
        ADD COLUMN claimed_until timestamptz,
        ADD COLUMN claim_token uuid,
        ADD COLUMN traceparent text,
        ADD COLUMN tracestate text`);
    await q.query(`CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX notification_deliveries_rule ON notification_deliveries (rule_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE notification_delivery_attempts (
        delivery_id text NOT NULL REFERENCES notification_deliveries (delivery_id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        attempted_at timestamptz NOT NULL,
        outcome text NOT NULL,
        status_code integer,
        error text,
        duration_ms integer NOT NULL,
        PRIMARY KEY (delivery_id, attempt)
      )`);

    await q.query(`
      CREATE TABLE user_notifications (
        id text PRIMARY KEY,
        username text NOT NULL,
        rule_id uuid,
        event_id uuid,
        mirror_id text NOT NULL,
        run_id text,
        event text NOT NULL,
        message text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        read_at timestamptz
      )`);
    await q.query(`CREATE INDEX user_notifications_user ON user_notifications (username, created_at DESC)`);
    await q.query(`CREATE INDEX user_notifications_unread ON user_notifications (username) WHERE read_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE user_notifications`);
    await q.query(`DROP TABLE notification_delivery_attempts`);
    await q.query(`DROP INDEX notification_deliveries_rule`);
    await q.query(`DROP INDEX notification_deliveries_due`);
    await q.query(`
      ALTER TABLE notification_deliveries
        DROP COLUMN tracestate, DROP COLUMN traceparent, DROP COLUMN claim_token, DROP COLUMN claimed_until, DROP COLUMN next_attempt_at,
        DROP COLUMN payload, DROP COLUMN method, DROP COLUMN run_id`);
    await q.query(`DROP INDEX notification_rules_namespace`);
    await q.query(`DELETE FROM notification_rules WHERE mirror_id IS NULL`);
    await q.query(`ALTER TABLE notification_rules DROP COLUMN events, DROP COLUMN namespace`);
    await q.query(`ALTER TABLE notification_rules ALTER COLUMN mirror_id SET NOT NULL`);
  }
}
