import { Column, Entity, PrimaryColumn } from 'typeorm';

export const DeliveryStatus = { Pending: 'pending', Delivered: 'delivered', Dead: 'dead' } as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

/**
 * One notification for one event and one rule; its id makes a redelivered event send once. The
 * notifier owns these rows (they are its outbox, not a projection): a pending row is claimed,
 * sent and settled on its own schedule, independently of every other rule's row.
 */
@Entity('notification_deliveries')
export class NotificationDeliveryRow {
  @PrimaryColumn({ name: 'delivery_id', type: 'text' }) deliveryId!: string;
  @Column({ name: 'event_id', type: 'uuid' }) eventId!: string;
  @Column({ name: 'rule_id', type: 'uuid' }) ruleId!: string;
  @Column({ name: 'mirror_id', type: 'text' }) mirrorId!: string;
  @Column({ name: 'run_id', type: 'text', nullable: true }) runId!: string | null;
  @Column({ type: 'text' }) event!: string;
  @Column({ type: 'text', nullable: true }) method!: string | null;
  @Column({ type: 'text' }) status!: DeliveryStatus;
  @Column({ type: 'integer' }) attempts!: number;
  @Column({ name: 'last_status_code', type: 'integer', nullable: true }) lastStatusCode!: number | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  /** The body every attempt sends (no secrets in it). */
  @Column({ type: 'jsonb', nullable: true }) payload!: unknown;
  /** When a pending delivery is due next. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true }) nextAttemptAt!: Date | null;
  /** A notifier holds the delivery until then; an expired claim is taken over. */
  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true }) claimedUntil!: Date | null;
  @Column({ name: 'claim_token', type: 'uuid', nullable: true }) claimToken!: string | null;
  /** The W3C trace context of the event, so every attempt joins the run's trace. */
  @Column({ type: 'text', nullable: true }) traceparent!: string | null;
  @Column({ type: 'text', nullable: true }) tracestate!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
