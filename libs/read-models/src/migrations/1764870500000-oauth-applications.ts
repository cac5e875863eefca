import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Organizations' OAuth applications, and which application minted an API token (null: the user's own). */
export class OAuthApplications1764870500000 implements MigrationInterface {
  name = 'OAuthApplications1764870500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE oauth_applications (
      client_id text PRIMARY KEY,
      organization text NOT NULL,
      name text NOT NULL,
      description text NOT NULL,
      application_uri text NOT NULL,
      redirect_uri text NOT NULL,
      avatar_email text,
      client_secret jsonb NOT NULL,
      created_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX oauth_applications_organization ON oauth_applications (organization, created_at)`);
    await q.query(`ALTER TABLE api_tokens ADD COLUMN application_client_id text`);
    await q.query(`CREATE INDEX api_tokens_application ON api_tokens (application_client_id) WHERE application_client_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX api_tokens_application`);
    await q.query(`ALTER TABLE api_tokens DROP COLUMN application_client_id`);
    await q.query(`DROP TABLE oauth_applications`);
  }
}
