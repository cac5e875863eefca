import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The scheduler's own view of each mirror. `due_at` is a generated column (a held run is due
 * when its lease expires, a sync-now at once, otherwise the next grid point or a push's, whichever
 * is sooner, while enabled), so
 * one indexed range scan finds the mirrors due, however many exist.
 */
@Entity('due_mirrors')
export class DueMirrorRow {
  @PrimaryColumn({ name: 'mirror_id', type: 'text' }) mirrorId!: string;
  @Column({ name: 'is_enabled', type: 'boolean' }) isEnabled!: boolean;
  @Column({ name: 'next_sync_at', type: 'timestamptz', nullable: true }) nextSyncAt!: Date | null;
  @Column({ name: 'sync_now_requested_at', type: 'timestamptz', nullable: true }) syncNowRequestedAt!: Date | null;
  /** The trace of the API call that asked for the sync, so the run joins it. */
  @Column({ name: 'sync_now_traceparent', type: 'text', nullable: true }) syncNowTraceparent!: string | null;
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true }) leaseExpiresAt!: Date | null;
  /** When the tags an upstream pushed are due (the first push of a burst, plus the coalescing window); null: none wait. */
  @Column({ name: 'push_due_at', type: 'timestamptz', nullable: true }) pushDueAt!: Date | null;
  /** The run last scheduled, to tell a run taken over (the same id) from a new one. */
  @Column({ name: 'scheduled_run_id', type: 'text', nullable: true }) scheduledRunId!: string | null;
  @Column({ name: 'due_at', type: 'timestamptz', nullable: true, insert: false, update: false }) dueAt!: Date | null;
}
