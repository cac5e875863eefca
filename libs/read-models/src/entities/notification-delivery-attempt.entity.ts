import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One attempt of one delivery, for the delivery log the API serves. */
@Entity('notification_delivery_attempts')
export class NotificationDeliveryAttemptRow {
  @PrimaryColumn({ name: 'delivery_id', type: 'text' }) deliveryId!: string;
  @PrimaryColumn({ type: 'integer' }) attempt!: number;
  @Column({ name: 'attempted_at', type: 'timestamptz' }) attemptedAt!: Date;
  /** `delivered`, `retry` or `dead`: what the notifier did after this attempt. */
  @Column({ type: 'text' }) outcome!: string;
  @Column({ name: 'status_code', type: 'integer', nullable: true }) statusCode!: number | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ name: 'duration_ms', type: 'integer' }) durationMs!: number;
}
