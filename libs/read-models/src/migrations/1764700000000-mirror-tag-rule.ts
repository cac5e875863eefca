import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Renames `config.<from>` of each mirror's folded state to `config.<to>`, holding the column's value. */
const rewriteStateConfig = (q: QueryRunner, from: string, to: string, column: string) =>
  q.query(`
    UPDATE mirrors
       SET state = jsonb_set(state, '{config}', ((state->'config') - '${from}') || jsonb_build_object('${to}', ${column}))
     WHERE state->'config' ? '${from}'`);

/**
 * A mirror's tags are chosen by a tag rule (`TagRule`), no longer by a list of globs: `tag_rule`
 * replaces `tag_patterns`, and the folded state's config is rewritten the way the event codec
 * upcasts the stored events, so the tables equal what a replay builds.
 */
export class MirrorTagRule1764700000000 implements MigrationInterface {
  name = 'MirrorTagRule1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mirrors ADD COLUMN tag_rule jsonb`);
    await q.query(`UPDATE mirrors SET tag_rule = jsonb_build_object('include', jsonb_build_array(jsonb_build_object('kind', 'glob', 'patterns', tag_patterns)), 'exclude', '[]'::jsonb)`);
    await rewriteStateConfig(q, 'tagPatterns', 'tagRule', 'tag_rule');
    await q.query(`ALTER TABLE mirrors ALTER COLUMN tag_rule SET NOT NULL`);
    await q.query(`ALTER TABLE mirrors DROP COLUMN tag_patterns`);
  }

  /** Back to globs: a rule's glob includes, the rest of it lost. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mirrors ADD COLUMN tag_patterns jsonb`);
    await q.query(`
      UPDATE mirrors SET tag_patterns = COALESCE(
        (SELECT jsonb_agg(p) FROM jsonb_array_elements(tag_rule->'include') s, jsonb_array_elements(s->'patterns') p WHERE s->>'kind' = 'glob'),
        '[]'::jsonb)`);
    await rewriteStateConfig(q, 'tagRule', 'tagPatterns', 'tag_patterns');
    await q.query(`ALTER TABLE mirrors ALTER COLUMN tag_patterns SET NOT NULL`);
    await q.query(`ALTER TABLE mirrors DROP COLUMN tag_rule`);
  }
}
