import type { EntityManager } from 'typeorm';

/**
 * Quay's `number_of_failures` of each rule: its failed deliveries in a row, from the delivery log.
 * A delivery fails when it ends dead after its retries (a retry that gets through is no failure);
 * only those after the rule's last reset and after its last delivered one count (Quay counts up
 * on a failure and back to zero on a success or a reset). One skipped because the rule was
 * disabled or deleted is no send, so no failure. A rule with none is absent.
 */
export async function ruleFailureCounts(db: Pick<EntityManager, 'query'>, ruleIds: readonly string[]): Promise<Map<string, number>> {
  if (ruleIds.length === 0) return new Map();
  const rows = (await db.query(
    `SELECT r.rule_id, count(*)::int AS failures
       FROM notification_rules r
       JOIN notification_deliveries d ON d.rule_id = r.rule_id
      WHERE r.rule_id = ANY($1::uuid[])
        AND d.status = 'dead' AND d.attempts > 0
        AND coalesce(d.last_error, '') NOT LIKE 'RULE\\_%'
        AND d.updated_at > coalesce(r.failures_reset_at, '-infinity')
        AND d.updated_at > coalesce((SELECT max(s.updated_at) FROM notification_deliveries s WHERE s.rule_id = r.rule_id AND s.status = 'delivered'), '-infinity')
      GROUP BY r.rule_id`,
    [ruleIds],
  )) as Array<{ rule_id: string; failures: number }>;
  return new Map(rows.map((r) => [r.rule_id, r.failures]));
}
