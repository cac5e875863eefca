import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The scheduler's index of organization mirrors (`due_org_mirrors`), shaped as `due_mirrors`. It
 * starts empty and fills from the orgmirror events, which no deployment held before it.
 */
export class DueOrgMirrors1764835000000 implements MigrationInterface {
  name = 'DueOrgMirrors1764835000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE due_org_mirrors (
        organization text PRIMARY KEY,
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
    await q.query(`CREATE INDEX due_org_mirrors_due_at ON due_org_mirrors (due_at) WHERE due_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE due_org_mirrors`);
  }
}
