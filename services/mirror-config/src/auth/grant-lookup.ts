import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TEAM_ROLES, type Role, type TeamRole } from '@ferry/contracts';
import { strongest, type Caller, type Grants, type Target } from '@ferry/identity';
import { DATA_SOURCE } from '@ferry/service-runtime';

/** One row of the lookup: the caller's own grant (`own`), a grant of one of its teams (`team`), or the role of one of its teams (`member`). */
interface GrantRow {
  source: 'own' | 'team' | 'member';
  repository: string;
  role: string;
}

const strongestTeamRole = (roles: TeamRole[]): TeamRole | null =>
  roles.reduce<TeamRole | null>((a, b) => (a === null || TEAM_ROLES.indexOf(b) > TEAM_ROLES.indexOf(a) ? b : a), null);

/** The roles a caller holds on what a request names, from the `permissions`, `teams` and `team_members` read models. */
@Injectable()
export class GrantLookup {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * What a caller holds on the organization `namespace` and on `namespace/repository`, itself or
   * through the organization's teams it is in (a team's grant counts for each member): one query.
   */
  async grantsOf(caller: Caller, target: Target): Promise<Grants> {
    if (!target.namespace) return { organization: null, repository: null };
    const rows: GrantRow[] = await this.dataSource.query(
      `SELECT 'own' AS source, repository, role FROM permissions
        WHERE namespace = $1 AND repository IN ('', $2) AND principal_kind = $3 AND principal_name = $4
       UNION ALL
       SELECT 'team', p.repository, p.role FROM team_members m
         JOIN permissions p ON p.namespace = m.organization AND p.principal_kind = 'team' AND p.principal_name = m.team
        WHERE m.organization = $1 AND m.member_kind = $3 AND m.member_name = $4 AND p.repository = $2 AND $2 <> ''
       UNION ALL
       SELECT 'member', '', t.role FROM team_members m
         JOIN teams t ON t.organization = m.organization AND t.name = m.team
        WHERE m.organization = $1 AND m.member_kind = $3 AND m.member_name = $4`,
      [target.namespace, target.repository ?? '', caller.kind, caller.username],
    );
    const own = (repository: string) => (rows.find((r) => r.source === 'own' && r.repository === repository)?.role as Role | undefined) ?? null;
    const viaTeams = rows.filter((r) => r.source === 'team').map((r) => r.role as Role);
    const teams = rows.filter((r) => r.source === 'member').map((r) => r.role as TeamRole);
    return {
      organization: own(''),
      repository: target.repository ? strongest(own(target.repository), ...viaTeams) : null,
      team: strongestTeamRole(teams),
    };
  }
}
