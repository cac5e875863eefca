import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organization mirrors (`org_mirrors`) and the repositories their discoveries found
 * (`org_mirror_repositories`), kept by the API's projections from the orgmirror events. Both
 * start empty: no such event existed before.
 */
export class OrgMirrors1764830000000 implements MigrationInterface {
  name = 'OrgMirrors1764830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE org_mirrors (
        organization text PRIMARY KEY,
        is_enabled boolean NOT NULL,
        external_registry_type text NOT NULL,
        external_registry_url text NOT NULL,
        external_listing_url text,
        external_namespace text NOT NULL,
        external_registry_username text,
        has_password boolean NOT NULL,
        robot_username text NOT NULL,
        visibility text NOT NULL,
        sync_interval integer NOT NULL,
        sync_start_date timestamptz NOT NULL,
        next_sync_at timestamptz,
        external_registry_config jsonb NOT NULL,
        repository_filters jsonb NOT NULL,
        include_patterns jsonb NOT NULL,
        exclude_patterns jsonb NOT NULL,
        repository_name_template text NOT NULL,
        tag_rule jsonb NOT NULL,
        architecture_filter jsonb NOT NULL,
        skopeo_timeout integer NOT NULL,
        vanished jsonb NOT NULL,
        sync_status text NOT NULL,
        sync_expiration_date timestamptz,
        sync_retries_remaining integer NOT NULL,
        current_discovery_id text,
        last_discovery_id text,
        last_discovery_at timestamptz,
        last_outcome text,
        last_error_code text,
        last_error_message text,
        last_summary jsonb,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        state jsonb NOT NULL
      )`);
    await q.query(`
      CREATE TABLE org_mirror_repositories (
        organization text NOT NULL,
        repository text NOT NULL,
        upstream text NOT NULL,
        discovered_at timestamptz NOT NULL,
        vanished_at timestamptz,
        PRIMARY KEY (organization, repository)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE org_mirror_repositories`);
    await q.query(`DROP TABLE org_mirrors`);
  }
}
