import { z } from 'zod';
import { ROLES, TEAM_ROLES } from '@ferry/contracts';
import { responseSchema } from './response-schema';
import { AVATAR } from './quay.schema';

/** Quay's answer to PUT .../team/{team}: the team, and whether the PUT made it. */
export const TEAM_VIEW = responseSchema(
  'Team',
  z.object({ name: z.string(), description: z.string(), can_view: z.boolean(), role: z.enum(TEAM_ROLES), avatar: AVATAR, new_team: z.boolean() }),
);
export type TeamView = z.output<typeof TEAM_VIEW>;

/** A team as the organization's answer lists it (Quay's `teams`), with what it holds. */
export const ORGANIZATION_TEAM = z.object({
  name: z.string(),
  description: z.string(),
  role: z.enum(TEAM_ROLES),
  avatar: AVATAR,
  can_view: z.boolean(),
  repo_count: z.number(),
  member_count: z.number(),
  is_synced: z.boolean(),
});
export type OrganizationTeamView = z.output<typeof ORGANIZATION_TEAM>;

/** A user or robot in a team (Quay has robots as users with `is_robot`). */
export const TEAM_MEMBER_VIEW = responseSchema('TeamMember', z.object({ name: z.string(), kind: z.literal('user'), is_robot: z.boolean(), avatar: AVATAR, invited: z.boolean() }));
export type TeamMemberView = z.output<typeof TEAM_MEMBER_VIEW>;

export const TEAM_MEMBER_LIST = responseSchema('TeamMemberList', z.object({ name: z.string(), members: z.array(TEAM_MEMBER_VIEW), can_edit: z.boolean() }));
export type TeamMemberListView = z.output<typeof TEAM_MEMBER_LIST>;

/** A team's role on a repository, as Quay shows it. */
export const TEAM_PERMISSION_VIEW = responseSchema('TeamPermission', z.object({ role: z.enum(ROLES), name: z.string(), avatar: AVATAR }));
export type TeamPermissionView = z.output<typeof TEAM_PERMISSION_VIEW>;

/** Quay's list: each team's name to its permission. */
export const TEAM_PERMISSION_LIST = responseSchema('TeamPermissionList', z.object({ permissions: z.record(z.string(), TEAM_PERMISSION_VIEW) }));
export type TeamPermissionListView = z.output<typeof TEAM_PERMISSION_LIST>;

/** One result of Quay's entity search: a user, robot, team or organization. */
export const ENTITY_VIEW = z.object({
  name: z.string(),
  kind: z.enum(['user', 'team', 'org']),
  is_robot: z.boolean().optional(),
  is_org_member: z.boolean().optional(),
  avatar: AVATAR,
});
export type EntityView = z.output<typeof ENTITY_VIEW>;

export const ENTITY_SEARCH = responseSchema('EntitySearch', z.object({ results: z.array(ENTITY_VIEW) }));
export type EntitySearchView = z.output<typeof ENTITY_SEARCH>;
