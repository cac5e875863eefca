// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export {
  ENTITY_SEARCH,
  TEAM_MEMBER_LIST,
  TEAM_MEMBER_VIEW,
  TEAM_PERMISSION_LIST,
  TEAM_PERMISSION_VIEW,
  TEAM_VIEW,
  type EntitySearchView,
  type EntityView,
  type OrganizationTeamView,
  type TeamMemberListView,
  type TeamMemberView,
  type TeamPermissionView,
  type TeamView,
} from '@ferry/api-schema';
