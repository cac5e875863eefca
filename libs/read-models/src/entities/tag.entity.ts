import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tag of a target repository as Ferry last wrote it. */
@Entity('tags')
export class TagRow {
  @PrimaryColumn({ name: 'mirror_id', type: 'text' }) mirrorId!: string;
  @PrimaryColumn({ type: 'text' }) tag!: string;
  @Column({ type: 'text' }) digest!: string;
  @Column({ name: 'media_type', type: 'text' }) mediaType!: string;
  @Column({ name: 'run_id', type: 'uuid' }) runId!: string;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
