import { DomainError, DomainErrorCode, type MemberKind, type NewEvent, type TeamEvent, type TeamRole } from '@ferry/contracts';

/** A user or robot a team holds. */
export interface TeamMember {
  kind: MemberKind;
  name: string;
}

export type TeamState =
  | { status: 'absent' }
  | { status: 'active'; organization: string; team: string; role: TeamRole; description: string; members: readonly string[] }
  | { status: 'deleted'; organization: string; team: string };

export type TeamCommand =
  /** Quay's PUT: creates the team, or sets its role and description. */
  | { kind: 'save'; organization: string; team: string; role: TeamRole; description: string }
  | { kind: 'delete' }
  | { kind: 'add-member'; member: TeamMember }
  | { kind: 'remove-member'; member: TeamMember };

const memberKey = (member: TeamMember) => `${member.kind}:${member.name}`;

function active(state: TeamState): Extract<TeamState, { status: 'active' }> {
  if (state.status !== 'active') throw new DomainError(DomainErrorCode.TeamNotFound, 'no such team');
  return state;
}

export const teamDecider = {
  initialState: (): TeamState => ({ status: 'absent' }),
  evolve(state: TeamState, event: TeamEvent): TeamState {
    switch (event.type) {
      case 'TeamCreated': {
        const { organization, team, role, description } = event.data;
        // A team created again after a delete starts with no members.
        return { status: 'active', organization, team, role, description, members: [] };
      }
      case 'TeamUpdated':
        return state.status === 'active' ? { ...state, role: event.data.role, description: event.data.description } : state;
      case 'TeamDeleted':
        return { status: 'deleted', organization: event.data.organization, team: event.data.team };
      case 'TeamMemberAdded':
        return state.status === 'active' ? { ...state, members: [...state.members, memberKey(event.data.member)] } : state;
      case 'TeamMemberRemoved': {
        const gone = memberKey(event.data.member);
        return state.status === 'active' ? { ...state, members: state.members.filter((m) => m !== gone) } : state;
      }
      default: {
        const never: never = event;
        return never;
      }
    }
  },
  /** Saving what the team already is, or adding a member it holds, changes nothing; removing one it does not hold is a 404. */
  decide(command: TeamCommand, state: TeamState): NewEvent<TeamEvent>[] {
    switch (command.kind) {
      case 'save': {
        const { organization, team, role, description } = command;
        if (state.status !== 'active') return [{ type: 'TeamCreated', data: { organization, team, role, description } }];
        if (state.role === role && state.description === description) return [];
        return [{ type: 'TeamUpdated', data: { organization, team, role, description } }];
      }
      case 'delete': {
        const team = active(state);
        return [{ type: 'TeamDeleted', data: { organization: team.organization, team: team.team } }];
      }
      case 'add-member': {
        const team = active(state);
        if (team.members.includes(memberKey(command.member))) return [];
        return [{ type: 'TeamMemberAdded', data: { organization: team.organization, team: team.team, member: command.member } }];
      }
      case 'remove-member': {
        const team = active(state);
        if (!team.members.includes(memberKey(command.member))) throw new DomainError(DomainErrorCode.TeamMemberNotFound, `${command.member.name} is not a member of team ${team.team}`);
        return [{ type: 'TeamMemberRemoved', data: { organization: team.organization, team: team.team, member: command.member } }];
      }
      default: {
        const never: never = command;
        return never;
      }
    }
  },
};

/** The aggregate id of a team: teams are named within their organization. */
export const teamId = (organization: string, team: string): string => `${organization}/${team}`;
