// The API's answers, written once: mirror-config writes its views by these schemas and describes
// them in the OpenAPI document; the console and the CLI `import type` their `z.output` types (a
// type-only import loads no zod). The modules are listed in the order the document has always
// named its components in.
export { RESPONSE_SCHEMAS, responseSchema } from './response-schema';
export { KEEP_NEWEST_DESCRIPTION, SELECTOR_BODY, TAG_PATTERNS, TAG_RULE_VIEW, type TagRuleWireView, type SelectorView } from './tag-rule.schema';
export { LIVENESS, READINESS_VIEW } from './health.schema';
export {
  RUN_DETAIL,
  RUN_LIST,
  RUN_PROGRESS_VIEW,
  RUN_VIEW,
  TAG_LEDGER,
  USAGE_LOGS,
  type RunDetailView,
  type RunListView,
  type RunProgressView,
  type RunView,
  type TagLedgerView,
  type UsageLogEntry,
} from './run.schema';
export { MIRROR_VIEW, type MirrorView } from './mirror.schema';
export {
  ORG_MIRROR_REPOSITORIES,
  ORG_MIRROR_VERIFICATION,
  ORG_MIRROR_VIEW,
  ORG_REPOSITORY_STATUSES,
  OrgRepositoryStatus,
  type OrgMirrorRepositoriesView,
  type OrgMirrorVerification,
  type OrgMirrorView,
  type RepositoryStatusCounts,
} from './org-mirror.schema';
export { CREATED_REPOSITORY, REPOSITORY_LIST, REPOSITORY_VIEW, type RepositoryListView, type RepositoryView } from './repository.schema';
export { HOOK_DELIVERY_ANSWER, HOOK_DELIVERY_LIST, HOOK_LIST, HOOK_VIEW, type HookDeliveryListView, type HookListView, type HookView } from './hook.schema';
export { MIRROR_HEALTH_VIEW, type MirrorHealthView } from './mirror-health.schema';
export { MIRROR_PREVIEW, type MirrorPreviewView } from './mirror-preview.schema';
export { MIRROR_VERIFICATION, type MirrorVerificationView } from './mirror-verification.schema';
export {
  DELIVERY_LOG,
  NOTIFICATION_RULE_LIST,
  NOTIFICATION_RULE_VIEW,
  TEST_DELIVERY,
  USER_NOTIFICATION,
  USER_NOTIFICATION_LIST,
  type DeliveryLogView,
  type NotificationRuleListView,
  type NotificationRuleView,
  type TestDeliveryView,
  type UserNotificationListView,
  type UserNotificationView,
} from './notification.schema';
export { PERMISSION_LIST, PERMISSION_VIEW, type PermissionListView, type PermissionView } from './permission.schema';
export { ORGANIZATION_VIEW, type OrganizationView } from './organization.schema';
export { ROBOT_LIST, ROBOT_VIEW, type RobotListView, type RobotView } from './robot.schema';
export { OAUTH_TOKEN, REGISTRY_TOKEN } from './registry-token.schema';
export { TAG_HISTORY, type TagHistoryView } from './tag-history.schema';
export {
  API_TOKEN,
  API_TOKEN_ANSWER,
  API_TOKEN_LIST,
  CREATED_API_TOKEN,
  CREATED_USER,
  USER_LIST,
  USER_VIEW,
  MANAGED_USER,
  CHANGED_USER,
  type ManagedUserView,
  type ChangedUserView,
  type ApiTokenListView,
  type ApiTokenView,
  type CreatedApiTokenView,
  type CreatedUserView,
  type UserView,
} from './user.schema';
export { SIGNED_IN, SIGNED_OUT, type SignedInView } from './session.schema';
export {
  ENTITY_SEARCH,
  ORGANIZATION_TEAM,
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
  type TeamPermissionListView,
  type TeamPermissionView,
  type TeamView,
} from './team.schema';
export { TAG_LIST, type TagListView } from './tag.schema';
export { REGISTRY_CAPABILITIES, type RegistryCapabilitiesView } from './capabilities.schema';
export { ROBOT_CREDENTIALS, type RobotCredentialsView } from './robot.schema';
export { CSRF_TOKEN } from './session.schema';
export { PROTOTYPE_LIST, PROTOTYPE_VIEW, type PrototypeView } from './prototype.schema';
export { OAUTH_APPLICATION_VIEW, OAUTH_APPLICATION_LIST, CLIENT_KEY, USER_AUTHORIZATION, USER_AUTHORIZATION_LIST, APPLICATION_INFORMATION, type OAuthApplicationView, type UserAuthorizationView, type ApplicationInformationView } from './oauth-application.schema';
export {
  QUOTA_LIMIT_LIST,
  QUOTA_LIMIT_VIEW,
  QUOTA_LIST,
  QUOTA_VIEW,
  NAMESPACE_QUOTA_REPORT,
  REPOSITORY_QUOTA_REPORT,
  type QuotaLimitView,
  type QuotaView,
} from './quota.schema';
export { TRUST_POLICY_VIEW, TAG_VERIFICATION_VIEW, type TagVerificationView } from './trust-policy.schema';
