import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EncryptedSecret, HookDeliveryRecorded, HookVerification } from '@ferry/contracts';

/** An upstream push hook: whose it is and how a delivery's secret is checked (never the secret itself, but for HMAC sealed). */
@Entity('hooks')
export class HookRow {
  @PrimaryColumn({ name: 'hook_id', type: 'uuid' }) hookId!: string;
  @Column({ type: 'text' }) namespace!: string;
  /** Set for a repository mirror's hook. */
  @Column({ name: 'mirror_id', type: 'text', nullable: true }) mirrorId!: string | null;
  /** Set for an organization mirror's hook. */
  @Column({ type: 'text', nullable: true }) organization!: string | null;
  @Column({ type: 'text' }) verification!: HookVerification;
  /** sha256 (hex) of the secret. */
  @Column({ name: 'secret_hash', type: 'text' }) secretHash!: string;
  /** The secret sealed with the deployment's key, for HMAC hooks only. */
  @Column({ name: 'sealed_secret', type: 'jsonb', nullable: true }) sealedSecret!: EncryptedSecret | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'secret_rotated_at', type: 'timestamptz', nullable: true }) secretRotatedAt!: Date | null;
  @Column({ name: 'last_delivery_at', type: 'timestamptz', nullable: true }) lastDeliveryAt!: Date | null;
}

/** One authenticated delivery to a hook and what each of its repositories led to. */
@Entity('hook_deliveries')
export class HookDeliveryRow {
  @PrimaryColumn({ name: 'delivery_id', type: 'uuid' }) deliveryId!: string;
  @Column({ name: 'hook_id', type: 'uuid' }) hookId!: string;
  @Column({ type: 'text' }) sender!: string;
  @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt!: Date;
  @Column({ type: 'jsonb' }) results!: HookDeliveryRecorded['data']['results'];
}
