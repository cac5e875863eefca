import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each tag's check against its mirror's trust policy (`signature_policy: verify`), on the tag
 * (its latest) and on each change in its history; null where the mirror does not verify. Older
 * rows stay null until `npm run replay` rebuilds the read models.
 */
export class TagVerification1764871000000 implements MigrationInterface {
  name = 'TagVerification1764871000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tags ADD COLUMN verification jsonb`);
    await q.query(`ALTER TABLE tag_history ADD COLUMN verification jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tag_history DROP COLUMN verification`);
    await q.query(`ALTER TABLE tags DROP COLUMN verification`);
  }
}
