import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MemberKind, TeamRole } from '@ferry/contracts';

/** A team of an organization; its grants on repositories are rows of `permissions` with principal kind `team`. */
@Entity('teams')
export class TeamRow {
  @PrimaryColumn({ type: 'text' }) organization!: string;
  @PrimaryColumn({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) role!: TeamRole;
  @Column({ type: 'text' }) description!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** A user or robot a team holds. */
@Entity('team_members')
export class TeamMemberRow {
  @PrimaryColumn({ type: 'text' }) organization!: string;
  @PrimaryColumn({ type: 'text' }) team!: string;
  @PrimaryColumn({ name: 'member_kind', type: 'text' }) memberKind!: MemberKind;
  @PrimaryColumn({ name: 'member_name', type: 'text' }) memberName!: string;
}
