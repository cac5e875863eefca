import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EncryptedSecret, NotificationEvent, NotificationMethod } from '@ferry/contracts';

@Entity('notification_rules')
export class NotificationRuleRow {
  @PrimaryColumn({ name: 'rule_id', type: 'uuid' }) ruleId!: string;
  /** Null for a namespace rule, which applies to every mirror of `namespace`. */
  @Column({ name: 'mirror_id', type: 'text', nullable: true }) mirrorId!: string | null;
  @Column({ type: 'text' }) namespace!: string;
  /** Quay's single event: the first of `events`. */
  @Column({ type: 'text' }) event!: NotificationEvent;
  @Column({ type: 'text', array: true }) events!: NotificationEvent[];
  @Column({ type: 'text' }) method!: NotificationMethod;
  @Column({ type: 'text' }) target!: string;
  @Column({ type: 'text' }) title!: string;
  @Column({ type: 'jsonb', nullable: true }) secret!: EncryptedSecret | null;
  @Column({ name: 'min_consecutive_failures', type: 'integer' }) minConsecutiveFailures!: number;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  /** Quay's reset: failed sends before it do not count (null: never reset). */
  @Column({ name: 'failures_reset_at', type: 'timestamptz', nullable: true }) failuresResetAt!: Date | null;
  /** Quay's "disabled after N failures": nothing is sent for the rule until a reset. */
  @Column({ type: 'boolean', default: false }) disabled!: boolean;
}
