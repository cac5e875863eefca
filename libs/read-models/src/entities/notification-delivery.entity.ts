import { Column, Entity, PrimaryColumn } from 'typeorm';

export const DeliveryStatus = { Pending: 'pending', Delivered: 'delivered', Dead: 'dead' } as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

/** One notification for one event and one rule; its id makes a redelivered event send once. */
@Entity('notification_deliveries')
export class NotificationDeliveryRow {
  @PrimaryColumn({ name: 'delivery_id', type: 'text' }) deliveryId!: string;
  @Column({ name: 'event_id', type: 'uuid' }) eventId!: string;
  @Column({ name: 'rule_id', type: 'uuid' }) ruleId!: string;
  @Column({ name: 'mirror_id', type: 'text' }) mirrorId!: string;
  @Column({ type: 'text' }) event!: string;
  @Column({ type: 'text' }) status!: DeliveryStatus;
  @Column({ type: 'integer' }) attempts!: number;
  @Column({ name: 'last_status_code', type: 'integer', nullable: true }) lastStatusCode!: number | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
