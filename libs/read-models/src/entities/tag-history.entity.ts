import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TagVerification } from '@ferry/contracts';

/** What happened to a target tag: Ferry wrote it first, moved it to another digest, removed it, or a rollback put it back. */
export type TagChange = 'created' | 'moved' | 'deleted' | 'rolled_back';

/** One change of one target tag, in the order of the event log. */
@Entity('tag_history')
export class TagHistoryRow {
  @PrimaryColumn({ name: 'mirror_id', type: 'text' }) mirrorId!: string;
  @PrimaryColumn({ type: 'text' }) tag!: string;
  /** The event's position in the log: orders a tag's changes. */
  @PrimaryColumn({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) position!: number;
  @Column({ type: 'text' }) change!: TagChange;
  /** What the tag holds after the change; null once removed. */
  @Column({ type: 'text', nullable: true }) digest!: string | null;
  /** What it held before, as far as Ferry knows. */
  @Column({ name: 'previous_digest', type: 'text', nullable: true }) previousDigest!: string | null;
  /** The upstream digest it was copied from. */
  @Column({ name: 'source_digest', type: 'text', nullable: true }) sourceDigest!: string | null;
  @Column({ name: 'run_id', type: 'uuid' }) runId!: string;
  /** When Ferry first saw the tag upstream (recorded on tag events since it was kept). */
  @Column({ name: 'first_seen_at', type: 'timestamptz', nullable: true }) firstSeenAt!: Date | null;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt!: Date;
  /** The trust-policy check the digest passed when it was written; null when the mirror does not verify. */
  @Column({ type: 'jsonb', nullable: true }) verification!: TagVerification | null;
}
