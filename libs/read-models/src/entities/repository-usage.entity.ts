import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './columns';

/**
 * The bytes Ferry's runs wrote into one target repository, ever: the sum of its tags'
 * `bytesCopied` (the blobs each upload added, which the target lacked). Deleted tags, mirrors and
 * organizations keep counting (the registry keeps the blobs until its garbage collection).
 */
@Entity('repository_usage')
export class RepositoryUsageRow {
  @PrimaryColumn({ type: 'text' }) namespace!: string;
  @PrimaryColumn({ type: 'text' }) repository!: string;
  @Column({ type: 'bigint', transformer: bigintAsNumber }) bytes!: number;
}
