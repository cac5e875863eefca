import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An in-app notification in one user's list; its id is the delivery id, so it is written once. */
@Entity('user_notifications')
export class UserNotificationRow {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) username!: string;
  @Column({ name: 'rule_id', type: 'uuid', nullable: true }) ruleId!: string | null;
  @Column({ name: 'event_id', type: 'uuid', nullable: true }) eventId!: string | null;
  @Column({ name: 'mirror_id', type: 'text' }) mirrorId!: string;
  @Column({ name: 'run_id', type: 'text', nullable: true }) runId!: string | null;
  @Column({ type: 'text' }) event!: string;
  @Column({ type: 'text' }) message!: string;
  @Column({ type: 'jsonb' }) payload!: unknown;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'read_at', type: 'timestamptz', nullable: true }) readAt!: Date | null;
}
