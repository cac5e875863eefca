import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import type { Projection } from '../projection-runner';

const COLUMNS = ['position', 'event_id', 'subject', 'type', 'aggregate_id', 'occurred_at', 'correlation_id', 'causation_id', 'traceparent', 'data', 'actor'];

function values(event: StoredEvent): unknown[] {
  return [
    event.position,
    event.id,
    event.subject,
    event.type,
    event.aggregateId,
    event.occurredAt,
    event.correlationId,
    event.causationId,
    event.traceparent ?? null,
    JSON.stringify(event.data),
    event.actor ? JSON.stringify(event.actor) : null,
  ];
}

/** One INSERT of many rows: `($1, … $11), ($12, … $22), …`. */
function insertRows(em: EntityManager, events: readonly StoredEvent[]): Promise<unknown> {
  const tuples = events.map((_, row) => `(${COLUMNS.map((_, column) => `$${row * COLUMNS.length + column + 1}`).join(', ')})`);
  return em.query(`INSERT INTO event_log (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (position) DO NOTHING`, events.flatMap(values));
}

/** The append-only archive of every event (usage logs read it); never emptied by a rebuild. */
export const eventLogProjection: Projection = {
  tables: [],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    await insertRows(em, [event]);
  },
  // A batch's events in one statement (a run's four events were four of the API's seventeen statements).
  async applyAll(em: EntityManager, events: readonly StoredEvent[]): Promise<void> {
    await insertRows(em, events);
  },
};
