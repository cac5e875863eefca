import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TagVerification } from '@ferry/contracts';

/** A tag of a target repository as Ferry last wrote it. */
@Entity('tags')
export class TagRow {
  @PrimaryColumn({ name: 'mirror_id', type: 'text' }) mirrorId!: string;
  @PrimaryColumn({ type: 'text' }) tag!: string;
  @Column({ type: 'text' }) digest!: string;
  @Column({ name: 'media_type', type: 'text' }) mediaType!: string;
  @Column({ name: 'run_id', type: 'uuid' }) runId!: string;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  /** Its last check against the mirror's trust policy; null when the mirror does not verify. */
  @Column({ type: 'jsonb', nullable: true }) verification!: TagVerification | null;
}
