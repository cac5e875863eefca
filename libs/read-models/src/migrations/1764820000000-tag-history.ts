import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each target tag's changes (`tag_history`), kept by the API's projections from the runs' tag
 * events. The table starts empty: on a deployment with older runs, `npm run replay` rebuilds the
 * read models from the event log, history included.
 */
export class TagHistory1764820000000 implements MigrationInterface {
  name = 'TagHistory1764820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tag_history (
        mirror_id text NOT NULL,
        tag text NOT NULL,
        position bigint NOT NULL,
        change text NOT NULL,
        digest text,
        previous_digest text,
        source_digest text,
        run_id uuid NOT NULL,
        first_seen_at timestamptz,
        occurred_at timestamptz NOT NULL,
        PRIMARY KEY (mirror_id, tag, position)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tag_history`);
  }
}
