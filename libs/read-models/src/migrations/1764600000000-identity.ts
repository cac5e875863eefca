import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Quay's namespace model (issue 10): users and their API tokens, organizations, repositories,
 * grants on either, robots that can be deleted and whose token can be checked, and the actor of
 * every event. `api_token_usage` is no projection's: it records when a token was last used, which
 * no event says (one per request would flood the log), so a rebuild leaves it alone.
 */
export class Identity1764600000000 implements MigrationInterface {
  name = 'Identity1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        username text PRIMARY KEY,
        email text,
        password_hash jsonb,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE api_tokens (
        token_id uuid PRIMARY KEY,
        username text NOT NULL,
        title text NOT NULL,
        scopes text[] NOT NULL,
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_tokens_user ON api_tokens (username, created_at)`);
    await q.query(`CREATE TABLE api_token_usage (token_id uuid PRIMARY KEY, last_used_at timestamptz NOT NULL)`);
    await q.query(`
      CREATE TABLE organizations (
        name text PRIMARY KEY,
        email text,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE repositories (
        namespace text NOT NULL,
        name text NOT NULL,
        description text NOT NULL,
        visibility text NOT NULL,
        state text NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (namespace, name)
      )`);
    // An organization's grants have repository = ''.
    await q.query(`
      CREATE TABLE permissions (
        namespace text NOT NULL,
        repository text NOT NULL,
        principal_kind text NOT NULL,
        principal_name text NOT NULL,
        role text NOT NULL,
        PRIMARY KEY (namespace, repository, principal_kind, principal_name)
      )`);
    await q.query(`CREATE INDEX permissions_principal ON permissions (principal_kind, principal_name)`);
    await q.query(`ALTER TABLE robots ADD COLUMN token_hash text, ADD COLUMN last_accessed timestamptz`);
    await q.query(`CREATE UNIQUE INDEX robots_token_hash ON robots (token_hash)`);
    await q.query(`ALTER TABLE event_log ADD COLUMN actor jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_log DROP COLUMN actor`);
    await q.query(`DROP INDEX robots_token_hash`);
    await q.query(`ALTER TABLE robots DROP COLUMN token_hash, DROP COLUMN last_accessed`);
    for (const table of ['permissions', 'repositories', 'organizations', 'api_token_usage', 'api_tokens', 'users']) await q.query(`DROP TABLE ${table}`);
  }
}
