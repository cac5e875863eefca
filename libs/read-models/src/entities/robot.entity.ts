import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('robots')
export class RobotRow {
  @PrimaryColumn({ type: 'text' }) username!: string;
  @Column({ type: 'text' }) namespace!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) description!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
