export { normalizeTagPatterns, tagPatternProblem, compileTagPatterns, selectTags } from './tag-patterns';
export { DomainError, DomainErrorCode } from '@ferry/contracts';
export { nextGridPoint, retryAt, RETRIES_PER_INTERVAL } from './sync-schedule';
export { runOutcome, type RunFacts, type RunFailure, type RunVerdict } from './run-outcome';
export {
  mirrorDecider,
  decideMirror,
  evolveMirror,
  initialMirrorState,
  isDue,
  targetCheckDue,
  type MirrorState,
  type MirrorCommand,
  type ActiveRun,
} from './mirror.decider';
export {
  notificationRuleDecider,
  ruleInScope,
  type NotificationRuleState,
  type NotificationRuleCommand,
  type NotificationRuleScope,
} from './notification-rule.decider';
export {
  parseMirrorInput,
  externalReferenceProblem,
  repositoryNameProblem,
  MIN_SYNC_INTERVAL_SECONDS,
  MIN_TIMEOUT_SECONDS,
  type FieldProblem,
  type PasswordChange,
  type MirrorDraft,
  type MirrorInputResult,
} from './mirror-input';
