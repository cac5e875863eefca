// The API's answers the console reads, each the type of the schema the API writes it by
// (`@ferry/api-schema`). Type-only imports, which esbuild drops: the bundle holds no zod.
import type {
  DeliveryLogView,
  MirrorPreviewView,
  MirrorView,
  NotificationRuleListView,
  NotificationRuleView,
  PermissionView,
  RepositoryListView,
  RepositoryView,
  RobotListView,
  RobotView,
  RunDetailView,
  RunListView,
  RunProgressView,
  RunView,
  TagHistoryView,
  TagLedgerView,
  TestDeliveryView,
  UsageLogEntry,
  UserNotificationListView,
  UserView,
} from '@ferry/api-schema';

export type User = UserView;

export type RepositoryListItem = RepositoryListView['repositories'][number];

export type MirrorSummary = NonNullable<RepositoryListItem['mirror']>;

export type ApiErrorView = NonNullable<RunView['error']>;

export type Progress = RunProgressView;

/** The fields of a mirror the console reads, as the form's tests write one out. */
export type Mirror = Pick<
  MirrorView,
  | 'is_enabled'
  | 'external_reference'
  | 'external_registry_username'
  | 'external_registry_config'
  | 'sync_interval'
  | 'sync_start_date'
  | 'sync_expiration_date'
  | 'sync_retries_remaining'
  | 'sync_status'
  | 'root_rule'
  | 'robot_username'
  | 'tag_deletion'
  | 'current_run_id'
  | 'last_run_id'
> &
  /** Ferry's own fields beside Quay's, which the console does without: the password's presence, the rule (selectors, excludes, keep newest N), the live progress. */
  Partial<Pick<MirrorView, 'external_registry_password_set' | 'tag_rule' | 'current_run_progress' | 'signature_policy' | 'trust_policy'>>;

export type Run = RunView;

export type TagResult = RunDetailView['tags'][number];

export type RunDetail = RunDetailView;

export type {
  MirrorPreviewView as Preview,
  NotificationRuleListView as RuleList,
  NotificationRuleView as Rule,
  PermissionView as Permission,
  RepositoryView,
  RobotListView as RobotList,
  RobotView as Robot,
  RunListView as RunList,
  TagHistoryView as TagHistory,
  TestDeliveryView as TestDelivery,
  UsageLogEntry as LogEntry,
  UserNotificationListView as UserNotificationList,
};

export type Delivery = DeliveryLogView['deliveries'][number];

export type TagLedger = TagLedgerView;

export type RepositoryList = RepositoryListView;

export type {
  ApiTokenListView as ApiTokenList,
  ApiTokenView as ApiToken,
  CreatedApiTokenView as CreatedApiToken,
  CreatedUserView as CreatedUser,
  HookDeliveryListView as HookDeliveries,
  HookListView as HookList,
  HookView as Hook,
  ManagedUserView as ManagedUser,
  OrganizationView as Organization,
  OrgMirrorRepositoriesView as OrgMirrorRepositories,
  OrgMirrorVerification,
  OrgMirrorView as OrgMirror,
  PrototypeView as Prototype,
  RobotCredentialsView as RobotCredentials,
  TeamMemberListView as TeamMembers,
  TagVerificationView as TagVerification,
} from '@ferry/api-schema';
