import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1764300000000 implements MigrationInterface {
  name = 'Initial1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projection_checkpoints (
        name text PRIMARY KEY,
        position bigint NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE TABLE event_log (
        position bigint PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        subject text NOT NULL,
        type text NOT NULL,
        aggregate_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        correlation_id text NOT NULL,
        causation_id text NOT NULL,
        traceparent text,
        data jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX event_log_aggregate ON event_log (aggregate_id, position)`);
    await q.query(`
      CREATE FUNCTION event_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'event_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER event_log_no_update_delete BEFORE UPDATE OR DELETE ON event_log
      FOR EACH ROW EXECUTE FUNCTION event_log_is_append_only()`);
    await q.query(`
      CREATE TRIGGER event_log_no_truncate BEFORE TRUNCATE ON event_log
      FOR EACH STATEMENT EXECUTE FUNCTION event_log_is_append_only()`);
    await q.query(`
      CREATE TABLE mirrors (
        mirror_id text PRIMARY KEY,
        namespace text NOT NULL,
        repository text NOT NULL,
        is_enabled boolean NOT NULL,
        external_reference text NOT NULL,
        external_registry_username text,
        has_password boolean NOT NULL,
        robot_username text NOT NULL,
        tag_patterns jsonb NOT NULL,
        sync_start_date timestamptz NOT NULL,
        sync_interval integer NOT NULL,
        next_sync_at timestamptz,
        external_registry_config jsonb NOT NULL,
        architecture_filter jsonb NOT NULL,
        skopeo_timeout_interval integer NOT NULL,
        sync_status text NOT NULL,
        sync_expiration_date timestamptz,
        sync_retries_remaining integer NOT NULL,
        current_run_id uuid,
        last_run_id uuid,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        state jsonb NOT NULL
      )`);
    await q.query(`
      CREATE TABLE runs (
        run_id uuid PRIMARY KEY,
        mirror_id text NOT NULL,
        trigger text NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL,
        worker text,
        scheduled_at timestamptz NOT NULL,
        started_at timestamptz,
        finished_at timestamptz,
        tags_matched jsonb,
        tags_copied integer NOT NULL DEFAULT 0,
        tags_unchanged integer NOT NULL DEFAULT 0,
        tags_deleted integer NOT NULL DEFAULT 0,
        tags_failed integer NOT NULL DEFAULT 0,
        bytes_copied bigint NOT NULL DEFAULT 0,
        error_code text,
        error_message text,
        correlation_id text NOT NULL,
        traceparent text
      )`);
    await q.query(`CREATE INDEX runs_mirror ON runs (mirror_id, scheduled_at DESC)`);
    await q.query(`
      CREATE TABLE run_tags (
        run_id uuid NOT NULL,
        tag text NOT NULL,
        result text NOT NULL,
        digest text,
        media_type text,
        bytes_copied bigint NOT NULL DEFAULT 0,
        error_code text,
        error_message text,
        recorded_at timestamptz NOT NULL,
        PRIMARY KEY (run_id, tag)
      )`);
    await q.query(`
      CREATE TABLE tags (
        mirror_id text NOT NULL,
        tag text NOT NULL,
        digest text NOT NULL,
        media_type text NOT NULL,
        run_id uuid NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (mirror_id, tag)
      )`);
    await q.query(`
      CREATE TABLE robots (
        username text PRIMARY KEY,
        namespace text NOT NULL,
        name text NOT NULL,
        description text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE notification_rules (
        rule_id uuid PRIMARY KEY,
        mirror_id text NOT NULL,
        event text NOT NULL,
        method text NOT NULL,
        target text NOT NULL,
        title text NOT NULL,
        secret jsonb,
        min_consecutive_failures integer NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX notification_rules_mirror ON notification_rules (mirror_id, event)`);
    await q.query(`
      CREATE TABLE due_mirrors (
        mirror_id text PRIMARY KEY,
        is_enabled boolean NOT NULL,
        next_sync_at timestamptz,
        sync_now_requested_at timestamptz,
        sync_now_traceparent text,
        lease_expires_at timestamptz,
        due_at timestamptz GENERATED ALWAYS AS (
          CASE
            WHEN lease_expires_at IS NOT NULL THEN lease_expires_at
            WHEN sync_now_requested_at IS NOT NULL THEN sync_now_requested_at
            WHEN is_enabled THEN next_sync_at
          END
        ) STORED
      )`);
    await q.query(`CREATE INDEX due_mirrors_due_at ON due_mirrors (due_at) WHERE due_at IS NOT NULL`);
    await q.query(`
      CREATE TABLE notification_deliveries (
        delivery_id text PRIMARY KEY,
        event_id uuid NOT NULL,
        rule_id uuid NOT NULL,
        mirror_id text NOT NULL,
        event text NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL,
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX notification_deliveries_mirror ON notification_deliveries (mirror_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['notification_deliveries', 'due_mirrors', 'notification_rules', 'robots', 'tags', 'run_tags', 'runs', 'mirrors']) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`DROP TRIGGER event_log_no_truncate ON event_log`);
    await q.query(`DROP TRIGGER event_log_no_update_delete ON event_log`);
    await q.query(`DROP TABLE event_log`);
    await q.query(`DROP FUNCTION event_log_is_append_only`);
    await q.query(`DROP TABLE projection_checkpoints`);
  }
}
