import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each mirror's last successful run ended: how stale a mirror is, read at every metrics
 * scrape and by the mirror-health summary without scanning the run history. Filled from the runs
 * recorded so far.
 */
export class MirrorLastSuccess1764810000000 implements MigrationInterface {
  name = 'MirrorLastSuccess1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mirrors ADD COLUMN last_success_at timestamptz`);
    await q.query(`
      UPDATE mirrors m
         SET last_success_at = r.finished_at
        FROM (SELECT mirror_id, max(finished_at) AS finished_at FROM runs WHERE status = 'succeeded' GROUP BY mirror_id) r
       WHERE r.mirror_id = m.mirror_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mirrors DROP COLUMN last_success_at`);
  }
}
