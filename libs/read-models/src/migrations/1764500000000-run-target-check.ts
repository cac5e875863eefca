import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a run checked every tag on the target (a full check, which repairs drift) or trusted
 * what the previous run wrote. Null for runs that have not ended or were recorded before.
 */
export class RunTargetCheck1764500000000 implements MigrationInterface {
  name = 'RunTargetCheck1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs ADD COLUMN target_checked boolean`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs DROP COLUMN target_checked`);
  }
}
