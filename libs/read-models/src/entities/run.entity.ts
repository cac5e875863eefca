import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './columns';

export const RunStatus = {
  Scheduled: 'scheduled',
  Running: 'running',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Cancelled: 'cancelled',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

/** One sync run: trigger, times, outcome, counts, bytes, error. */
@Entity('runs')
export class RunRow {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' }) runId!: string;
  @Column({ name: 'mirror_id', type: 'text' }) mirrorId!: string;
  @Column({ type: 'text' }) trigger!: string;
  @Column({ type: 'text' }) status!: RunStatus;
  /** How many times a worker was given the run (more than 1 after a lease was reclaimed). */
  @Column({ type: 'integer' }) attempts!: number;
  /** The sync-worker process (`host/pid`) that last started the run. */
  @Column({ type: 'text', nullable: true }) worker!: string | null;
  @Column({ name: 'scheduled_at', type: 'timestamptz' }) scheduledAt!: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
  @Column({ name: 'tags_matched', type: 'jsonb', nullable: true }) tagsMatched!: string[] | null;
  @Column({ name: 'tags_copied', type: 'integer' }) tagsCopied!: number;
  @Column({ name: 'tags_unchanged', type: 'integer' }) tagsUnchanged!: number;
  @Column({ name: 'tags_deleted', type: 'integer' }) tagsDeleted!: number;
  @Column({ name: 'tags_failed', type: 'integer' }) tagsFailed!: number;
  @Column({ name: 'bytes_copied', type: 'bigint', transformer: bigintAsNumber }) bytesCopied!: number;
  /** The run checked every tag on the target rather than trust the previous run's results (null: not ended, or unknown). */
  @Column({ name: 'target_checked', type: 'boolean', nullable: true }) targetChecked!: boolean | null;
  @Column({ name: 'error_code', type: 'text', nullable: true }) errorCode!: string | null;
  @Column({ name: 'error_message', type: 'text', nullable: true }) errorMessage!: string | null;
  @Column({ name: 'correlation_id', type: 'text' }) correlationId!: string;
  @Column({ type: 'text', nullable: true }) traceparent!: string | null;
}
