import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Teams of organizations (`teams`) and who is in them (`team_members`), empty until the first team.
 * A team's grants on repositories are `permissions` rows with principal kind `team`: no change there.
 */
export class Teams1764852300000 implements MigrationInterface {
  name = 'Teams1764852300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE teams (
        organization text NOT NULL,
        name text NOT NULL,
        role text NOT NULL,
        description text NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (organization, name)
      )`);
    await q.query(`
      CREATE TABLE team_members (
        organization text NOT NULL,
        team text NOT NULL,
        member_kind text NOT NULL,
        member_name text NOT NULL,
        PRIMARY KEY (organization, team, member_kind, member_name)
      )`);
    // The permission guard looks up a caller's teams in the organization a request names.
    await q.query(`CREATE INDEX team_members_member ON team_members (member_kind, member_name, organization)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE team_members`);
    await q.query(`DROP TABLE teams`);
  }
}
