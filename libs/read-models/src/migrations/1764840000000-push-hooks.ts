import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Upstream push hooks: `hooks` (each hook, its secret's hash or sealed form) and `hook_deliveries`
 * (what each delivery did), empty until the first hook; and in `due_mirrors`, when pushed tags are
 * due (`push_due_at`), which `due_at` now takes the sooner of with the next grid point.
 */
export class PushHooks1764840000000 implements MigrationInterface {
  name = 'PushHooks1764840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE hooks (
        hook_id uuid PRIMARY KEY,
        namespace text NOT NULL,
        mirror_id text,
        organization text,
        verification text NOT NULL,
        secret_hash text NOT NULL,
        sealed_secret jsonb,
        created_at timestamptz NOT NULL,
        secret_rotated_at timestamptz,
        last_delivery_at timestamptz
      )`);
    await q.query(`CREATE INDEX hooks_mirror ON hooks (mirror_id) WHERE mirror_id IS NOT NULL`);
    await q.query(`CREATE INDEX hooks_organization ON hooks (organization) WHERE organization IS NOT NULL`);
    await q.query(`
      CREATE TABLE hook_deliveries (
        delivery_id uuid PRIMARY KEY,
        hook_id uuid NOT NULL,
        sender text NOT NULL,
        received_at timestamptz NOT NULL,
        results jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX hook_deliveries_hook ON hook_deliveries (hook_id, received_at DESC)`);
    await q.query(`ALTER TABLE due_mirrors ADD COLUMN push_due_at timestamptz, ADD COLUMN scheduled_run_id text`);
    await q.query(`DROP INDEX due_mirrors_due_at`);
    await q.query(`ALTER TABLE due_mirrors DROP COLUMN due_at`);
    // least() skips nulls: no push waiting leaves the grid point, as before.
    await q.query(`
      ALTER TABLE due_mirrors ADD COLUMN due_at timestamptz GENERATED ALWAYS AS (
        CASE
          WHEN lease_expires_at IS NOT NULL THEN lease_expires_at
          WHEN sync_now_requested_at IS NOT NULL THEN sync_now_requested_at
          WHEN is_enabled THEN least(next_sync_at, push_due_at)
        END
      ) STORED`);
    await q.query(`CREATE INDEX due_mirrors_due_at ON due_mirrors (due_at) WHERE due_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX due_mirrors_due_at`);
    await q.query(`ALTER TABLE due_mirrors DROP COLUMN due_at`);
    await q.query(`ALTER TABLE due_mirrors DROP COLUMN push_due_at, DROP COLUMN scheduled_run_id`);
    await q.query(`
      ALTER TABLE due_mirrors ADD COLUMN due_at timestamptz GENERATED ALWAYS AS (
        CASE
          WHEN lease_expires_at IS NOT NULL THEN lease_expires_at
          WHEN sync_now_requested_at IS NOT NULL THEN sync_now_requested_at
          WHEN is_enabled THEN next_sync_at
        END
      ) STORED`);
    await q.query(`CREATE INDEX due_mirrors_due_at ON due_mirrors (due_at) WHERE due_at IS NOT NULL`);
    await q.query(`DROP TABLE hook_deliveries`);
    await q.query(`DROP TABLE hooks`);
  }
}
