import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The scheduler's own view of each organization mirror, as `due_mirrors` is of each mirror:
 * `due_at` is generated (a held discovery is due when its lease ends, a sync-now at once, otherwise
 * the next grid point while enabled), so one indexed range scan finds the discoveries due.
 */
@Entity('due_org_mirrors')
export class DueOrgMirrorRow {
  @PrimaryColumn({ name: 'organization', type: 'text' }) organization!: string;
  @Column({ name: 'is_enabled', type: 'boolean' }) isEnabled!: boolean;
  @Column({ name: 'next_sync_at', type: 'timestamptz', nullable: true }) nextSyncAt!: Date | null;
  @Column({ name: 'sync_now_requested_at', type: 'timestamptz', nullable: true }) syncNowRequestedAt!: Date | null;
  /** The trace of the API call that asked for the sync, so the discovery joins it. */
  @Column({ name: 'sync_now_traceparent', type: 'text', nullable: true }) syncNowTraceparent!: string | null;
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true }) leaseExpiresAt!: Date | null;
  @Column({ name: 'due_at', type: 'timestamptz', nullable: true, insert: false, update: false }) dueAt!: Date | null;
}
