export { normalizeTagPatterns, tagPatternProblem, globPatternProblems, compileTagPatterns, selectTags } from './tag-rules/glob';
export { regexProblem, compileTagRegex, MAX_TAG_REGEX_LENGTH } from './tag-rules/regex';
export { semverRangeProblem, tagVersion } from './tag-rules/semver';
export {
  TAG_SELECTOR_KINDS,
  KEEP_NEWEST_BY,
  MAX_SELECTORS,
  MAX_KEEP_NEWEST,
  KEEP_NEWEST_COUNT_PROBLEM,
  selectorCountProblem,
  compileTagRule,
  selectTagsByRule,
  newestFirst,
  readTagRule,
  tagRuleProblems,
  quayRootRule,
  isQuayRule,
  tagRuleView,
  globPatternsOf,
  withGlobPatterns,
  globTagRule,
  type TagRuleBody,
  type TagRuleView,
  type TagRuleContext,
} from './tag-rules/tag-rule';
export type { SelectorKind, FieldProblem } from './tag-rules/selector-kind';
export { DomainError, DomainErrorCode } from '@ferry/contracts';
export { nextGridPoint, retryAt, RETRIES_PER_INTERVAL } from './sync-schedule';
export { runOutcome, resultsNotRecorded, RESULTS_NOT_RECORDED, type RunFacts, type RunFailure, type RunVerdict } from './run-outcome';
export {
  mirrorDecider,
  decideMirror,
  evolveMirror,
  initialMirrorState,
  isDue,
  targetCheckDue,
  MAX_PUSHED_TAGS,
  type MirrorState,
  type MirrorCommand,
  type ActiveRun,
} from './mirror.decider';
export {
  notificationRuleDecider,
  NOTIFICATION_FAILURE_LIMIT,
  ruleInScope,
  type NotificationRuleState,
  type NotificationRuleCommand,
  type NotificationRuleScope,
} from './notification-rule.decider';
export { tagsSeenIn, foldTagsSeen, type TagsFirstSeen } from './tags-first-seen';
export { mirrorHealth, STALE_AFTER_INTERVALS, type MirrorHealthFacts, type MirrorHealthVerdict } from './mirror-health';
export {
  orgMirrorDecider,
  decideOrgMirror,
  evolveOrgMirror,
  initialOrgMirrorState,
  isDiscoveryDue,
  vanishedRepositories,
  vanishedPlan,
  type OrgMirrorState,
  type OrgMirrorCommand,
  type DiscoveryRun,
  type ListedPage,
} from './org-mirror/org-mirror.decider';
export { childMirrorConfig, listingSource, upstreamReference, upstreamRegistryHost } from './org-mirror/child-mirror';
export { childMirrorUpdate, isStoppedChild } from './org-mirror/child-rollout';
export { planDiscoveryPage, type DiscoveryPagePlan } from './org-mirror/discovery-page';
export { repositorySelection, type RepositorySelection } from './org-mirror/repository-selection';
export { discoveryVerdict, type DiscoveryFacts, type DiscoveryVerdict } from './org-mirror/discovery-outcome';
export {
  compileRepositoryFilter,
  repositoryFilterProblems,
  repositoryPatternProblem,
  repositoryFilterFromQuay,
  MAX_REPOSITORY_PATTERNS,
  type RepositoryFilter,
  type RepositoryPattern,
} from './org-mirror/repository-filter';
export {
  compileRepositoryNameTemplate,
  repositoryNameTemplateProblem,
  repositoryPathProblem,
  REPOSITORY_NAME_TOKENS,
  DEFAULT_REPOSITORY_NAME_TEMPLATE,
  type RepositoryNameToken,
  type RepositoryNameValues,
} from './org-mirror/repository-name-template';
export { hookDecider, type HookState, type HookCommand, type HookDeliveryResult } from './hooks/hook.decider';
export { readPushDelivery, PUSH_SENDERS } from './hooks/push-senders/push-senders';
export { header as pushHeader } from './hooks/push-senders/push-sender';
export type { PushNotice, PushSender, Headers as PushHeaders } from './hooks/push-senders/push-sender';
export { routeMirrorPush, routeOrgMirrorPush, pathUnderNamespace, pushedTagsTheRuleMaySelect, type PushRoute } from './hooks/push-routing';
export {
  tagLifetimes,
  listTags,
  parseTagNameFilter,
  TAG_PAGE_MAX,
  type ActiveTag,
  type TagChangeRecord,
  type ManifestFacts,
  type TagLifetime,
  type TagNameFilter,
  type TagListOptions,
  type QuayTag,
} from './tags/tag-listing';
export {
  quotaDecider,
  decideQuota,
  evolveQuota,
  initialQuotaState,
  heldBytes,
  usageBytes,
  type QuotaState,
  type QuotaCommand,
} from './quota/quota.decider';
export {
  admitRun,
  hardLimitBytes,
  limitBytesOf,
  warningsCrossed,
  humanBytes,
  parseQuotaSize,
  QUOTA_SIZE_PATTERN,
  type Admission,
  type NamespaceQuota,
  type QuotaLimit,
} from './quota/quota-arithmetic';
