import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ExternalRegistryConfig, MirrorStatus, TagRule } from '@ferry/contracts';
import type { MirrorState } from '@ferry/mirror';

/** A mirror's configuration and status: what Quay's GET .../mirror returns. */
@Entity('mirrors')
export class MirrorRow {
  @PrimaryColumn({ name: 'mirror_id', type: 'text' }) mirrorId!: string;
  @Column({ type: 'text' }) namespace!: string;
  @Column({ type: 'text' }) repository!: string;
  @Column({ name: 'is_enabled', type: 'boolean' }) isEnabled!: boolean;
  @Column({ name: 'external_reference', type: 'text' }) externalReference!: string;
  @Column({ name: 'external_registry_username', type: 'text', nullable: true }) externalRegistryUsername!: string | null;
  @Column({ name: 'has_password', type: 'boolean' }) hasPassword!: boolean;
  @Column({ name: 'robot_username', type: 'text' }) robotUsername!: string;
  @Column({ name: 'tag_rule', type: 'jsonb' }) tagRule!: TagRule;
  @Column({ name: 'sync_start_date', type: 'timestamptz' }) syncStartDate!: Date;
  @Column({ name: 'sync_interval', type: 'integer' }) syncInterval!: number;
  @Column({ name: 'next_sync_at', type: 'timestamptz', nullable: true }) nextSyncAt!: Date | null;
  @Column({ name: 'external_registry_config', type: 'jsonb' }) externalRegistryConfig!: ExternalRegistryConfig;
  @Column({ name: 'architecture_filter', type: 'jsonb' }) architectureFilter!: string[];
  @Column({ name: 'skopeo_timeout_interval', type: 'integer' }) skopeoTimeoutInterval!: number;
  @Column({ name: 'sync_status', type: 'text' }) syncStatus!: MirrorStatus;
  @Column({ name: 'sync_expiration_date', type: 'timestamptz', nullable: true }) syncExpirationDate!: Date | null;
  @Column({ name: 'sync_retries_remaining', type: 'integer' }) syncRetriesRemaining!: number;
  @Column({ name: 'current_run_id', type: 'uuid', nullable: true }) currentRunId!: string | null;
  @Column({ name: 'last_run_id', type: 'uuid', nullable: true }) lastRunId!: string | null;
  /** When the last successful run ended (null: none has). */
  @Column({ name: 'last_success_at', type: 'timestamptz', nullable: true }) lastSuccessAt!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  /** The aggregate's folded state, so the next event is applied by the decider's own `evolve`. */
  @Column({ type: 'jsonb' }) state!: MirrorState;
}
