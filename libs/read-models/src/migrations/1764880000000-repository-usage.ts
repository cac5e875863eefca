import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bytes Ferry wrote per target repository (quota usage, read for Quay's `quota_report` and as
 * a new quota's baseline), kept by the `repository_usage` projection from `MirrorTagSynced`.
 * Existing deployments start from the run history's tag rows; those keep a tag's last result per
 * run, so a tag copied by two workers' holds of one run counts once here and twice after
 * `npm run replay` (which sums the events, as the projection does).
 */
export class RepositoryUsage1764880000000 implements MigrationInterface {
  name = 'RepositoryUsage1764880000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE repository_usage (namespace text NOT NULL, repository text NOT NULL, bytes bigint NOT NULL, PRIMARY KEY (namespace, repository))`);
    await q.query(
      `INSERT INTO repository_usage (namespace, repository, bytes)
       SELECT split_part(r.mirror_id, '/', 1), substr(r.mirror_id, strpos(r.mirror_id, '/') + 1), SUM(t.bytes_copied)
       FROM run_tags t JOIN runs r ON r.run_id = t.run_id
       WHERE t.bytes_copied > 0 AND strpos(r.mirror_id, '/') > 0
       GROUP BY r.mirror_id`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE repository_usage`);
  }
}
