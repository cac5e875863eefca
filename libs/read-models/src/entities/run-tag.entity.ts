import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './columns';

export const TagResultKind = { Copied: 'copied', Unchanged: 'unchanged', Failed: 'failed', Deleted: 'deleted', RolledBack: 'rolled_back' } as const;
export type TagResultKind = (typeof TagResultKind)[keyof typeof TagResultKind];

/** What one run did to one tag. */
@Entity('run_tags')
export class RunTagRow {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' }) runId!: string;
  @PrimaryColumn({ type: 'text' }) tag!: string;
  @Column({ type: 'text' }) result!: TagResultKind;
  @Column({ type: 'text', nullable: true }) digest!: string | null;
  @Column({ name: 'media_type', type: 'text', nullable: true }) mediaType!: string | null;
  @Column({ name: 'bytes_copied', type: 'bigint', transformer: bigintAsNumber }) bytesCopied!: number;
  @Column({ name: 'error_code', type: 'text', nullable: true }) errorCode!: string | null;
  @Column({ name: 'error_message', type: 'text', nullable: true }) errorMessage!: string | null;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt!: Date;
}
