import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import { PermissionRow } from '../entities/identity.entities';
import { TeamMemberRow, TeamRow } from '../entities/team.entity';
import type { Projection } from '../projection-runner';

/**
 * Teams and their members. A deleted team takes its members and its grants with it (the decider
 * starts a team made again under the same name with neither), and so does its organization.
 */
export const teamsProjection: Projection = {
  tables: ['teams', 'team_members'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    switch (event.type) {
      case 'TeamCreated': {
        const { organization, team, role, description } = event.data;
        await em.getRepository(TeamRow).upsert({ organization, name: team, role, description, createdAt: new Date(event.occurredAt) }, ['organization', 'name']);
        return;
      }
      case 'TeamUpdated': {
        const { organization, team, role, description } = event.data;
        await em.getRepository(TeamRow).update({ organization, name: team }, { role, description });
        return;
      }
      case 'TeamDeleted': {
        const { organization, team } = event.data;
        await em.getRepository(TeamMemberRow).delete({ organization, team });
        await em.getRepository(PermissionRow).delete({ namespace: organization, principalKind: 'team', principalName: team });
        await em.getRepository(TeamRow).delete({ organization, name: team });
        return;
      }
      case 'TeamMemberAdded': {
        const { organization, team, member } = event.data;
        await em.getRepository(TeamMemberRow).upsert({ organization, team, memberKind: member.kind, memberName: member.name }, ['organization', 'team', 'memberKind', 'memberName']);
        return;
      }
      case 'TeamMemberRemoved': {
        const { organization, team, member } = event.data;
        await em.getRepository(TeamMemberRow).delete({ organization, team, memberKind: member.kind, memberName: member.name });
        return;
      }
    }
  },
};
