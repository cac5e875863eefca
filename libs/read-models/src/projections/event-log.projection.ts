import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import type { Projection } from '../projection-runner';

/** The append-only archive of every event (usage logs read it); never emptied by a rebuild. */
export const eventLogProjection: Projection = {
  tables: [],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    await em.query(
      `INSERT INTO event_log (position, event_id, subject, type, aggregate_id, occurred_at, correlation_id, causation_id, traceparent, data, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (position) DO NOTHING`,
      [
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
      ],
    );
  },
};
