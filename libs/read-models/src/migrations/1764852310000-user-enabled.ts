import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Whether a user is enabled (Quay's `enabled`, changed by a superuser); every user so far is. */
export class UserEnabled1764852310000 implements MigrationInterface {
  name = 'UserEnabled1764852310000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN enabled boolean NOT NULL DEFAULT true`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN enabled`);
  }
}
