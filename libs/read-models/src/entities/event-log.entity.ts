import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Actor } from '@ferry/contracts';
import { bigintAsNumber } from './columns';

/** The archive of every event; a trigger refuses UPDATE, DELETE and TRUNCATE. */
@Entity('event_log')
export class EventLogRow {
  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber }) position!: number;
  @Column({ name: 'event_id', type: 'uuid' }) eventId!: string;
  @Column({ type: 'text' }) subject!: string;
  @Column({ type: 'text' }) type!: string;
  @Column({ name: 'aggregate_id', type: 'text' }) aggregateId!: string;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt!: Date;
  @Column({ name: 'correlation_id', type: 'text' }) correlationId!: string;
  @Column({ name: 'causation_id', type: 'text' }) causationId!: string;
  @Column({ type: 'text', nullable: true }) traceparent!: string | null;
  @Column({ type: 'jsonb' }) data!: unknown;
  /** Who caused the event; null for events stored before actors were recorded. */
  @Column({ type: 'jsonb', nullable: true }) actor!: Actor | null;
}
