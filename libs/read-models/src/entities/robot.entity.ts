import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('robots')
export class RobotRow {
  @PrimaryColumn({ type: 'text' }) username!: string;
  @Column({ type: 'text' }) namespace!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) description!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  /** sha256 of the robot's token, to check its credentials; null for robots made before it was kept. */
  @Column({ name: 'token_hash', type: 'text', nullable: true }) tokenHash!: string | null;
  /** Written by the API when the robot signs in, not by the projection. */
  @Column({ name: 'last_accessed', type: 'timestamptz', nullable: true }) lastAccessed!: Date | null;
}
