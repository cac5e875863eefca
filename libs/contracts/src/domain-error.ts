/** The reasons a command is refused; the API edges map each to an HTTP and a gRPC status. */
export const DomainErrorCode = {
  MirrorNotFound: 'MIRROR_NOT_FOUND',
  MirrorAlreadyExists: 'MIRROR_ALREADY_EXISTS',
  SyncInProgress: 'SYNC_IN_PROGRESS',
  NothingToCancel: 'NOTHING_TO_CANCEL',
  StaleRun: 'STALE_RUN',
  RobotNotFound: 'ROBOT_NOT_FOUND',
  RobotAlreadyExists: 'ROBOT_ALREADY_EXISTS',
  RuleNotFound: 'NOTIFICATION_RULE_NOT_FOUND',
  RuleAlreadyExists: 'NOTIFICATION_RULE_ALREADY_EXISTS',
  UserNotFound: 'USER_NOT_FOUND',
  UserAlreadyExists: 'USER_ALREADY_EXISTS',
  TokenNotFound: 'TOKEN_NOT_FOUND',
  OrganizationNotFound: 'ORGANIZATION_NOT_FOUND',
  OrganizationAlreadyExists: 'ORGANIZATION_ALREADY_EXISTS',
  RepositoryNotFound: 'REPOSITORY_NOT_FOUND',
  RepositoryAlreadyExists: 'REPOSITORY_ALREADY_EXISTS',
  PermissionNotFound: 'PERMISSION_NOT_FOUND',
  OrgMirrorNotFound: 'ORG_MIRROR_NOT_FOUND',
  OrgMirrorAlreadyExists: 'ORG_MIRROR_ALREADY_EXISTS',
  /** Quay's organization mirroring needs an empty organization. */
  OrganizationNotEmpty: 'ORGANIZATION_NOT_EMPTY',
  /** Sync-now while a discovery holds the organization mirror. */
  DiscoveryInProgress: 'DISCOVERY_IN_PROGRESS',
  /** Cancel of an organization mirror already in CANCEL (Quay refuses it). */
  AlreadyCancelled: 'ALREADY_CANCELLED',
  /** A repository (its mirror, its state) that its organization mirror manages. */
  ManagedByOrgMirror: 'MANAGED_BY_ORG_MIRROR',
  HookNotFound: 'HOOK_NOT_FOUND',
  HookAlreadyExists: 'HOOK_ALREADY_EXISTS',
  TeamNotFound: 'TEAM_NOT_FOUND',
  /** Removing a user or robot the team does not hold. */
  TeamMemberNotFound: 'TEAM_MEMBER_NOT_FOUND',
  DefaultPermissionNotFound: 'DEFAULT_PERMISSION_NOT_FOUND',
  OAuthApplicationNotFound: 'OAUTH_APPLICATION_NOT_FOUND',
  QuotaNotFound: 'QUOTA_NOT_FOUND',
  QuotaLimitNotFound: 'QUOTA_LIMIT_NOT_FOUND',
  /** Quay keeps one quota per namespace. */
  QuotaAlreadyExists: 'QUOTA_ALREADY_EXISTS',
  /** A limit of the same type and threshold exists, or a second `Reject` limit. */
  QuotaLimitAlreadyExists: 'QUOTA_LIMIT_ALREADY_EXISTS',
  /** A run would take the namespace past its hard (`Reject`) limit. */
  QuotaExceeded: 'QUOTA_EXCEEDED',
  ProxyCacheAlreadyExists: 'PROXY_CACHE_ALREADY_EXISTS',
  ProxyCacheNotFound: 'PROXY_CACHE_NOT_FOUND',
} as const;
export type DomainErrorCode = (typeof DomainErrorCode)[keyof typeof DomainErrorCode];

/** Thrown only by `decide`: the command contradicts the aggregate's state. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
  }
}
