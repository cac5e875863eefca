import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NotificationEvent, NotificationMethod } from '@ferry/contracts';

@Entity('notification_rules')
export class NotificationRuleRow {
  @PrimaryColumn({ name: 'rule_id', type: 'uuid' }) ruleId!: string;
  @Column({ name: 'mirror_id', type: 'text' }) mirrorId!: string;
  @Column({ type: 'text' }) event!: NotificationEvent;
  @Column({ type: 'text' }) method!: NotificationMethod;
  @Column({ type: 'text' }) url!: string;
  @Column({ type: 'text' }) title!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
