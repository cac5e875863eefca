import type { DataSource } from 'typeorm';
import type { DueIndexView } from './next-wake';

/**
 * Whether any mirror or organization mirror is due at `now`, and the earliest `due_at` after it:
 * four probes of the `due_at` indexes in one round trip, so reading it after every batch the
 * projection applies costs the same with 10 mirrors as with 10,000. The next `due_at` is rounded
 * up to the millisecond, so that a wake-up at it finds the row due (Postgres keeps microseconds).
 */
export async function readDueIndex(dataSource: DataSource, now: Date): Promise<DueIndexView> {
  const [row] = (await dataSource.query(
    `SELECT EXISTS (SELECT 1 FROM due_mirrors WHERE due_at <= $1)
              OR EXISTS (SELECT 1 FROM due_org_mirrors WHERE due_at <= $1) AS due_now,
            ceil(extract(epoch FROM least(
              (SELECT min(due_at) FROM due_mirrors WHERE due_at > $1),
              (SELECT min(due_at) FROM due_org_mirrors WHERE due_at > $1))) * 1000)::float8 AS next_due_ms`,
    [now],
  )) as Array<{ due_now: boolean; next_due_ms: number | null }>;
  return { dueNow: row?.due_now ?? false, nextDueAt: row?.next_due_ms ?? null };
}
