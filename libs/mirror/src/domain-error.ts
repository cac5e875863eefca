/** The reasons a command is refused; the API edge maps each to an HTTP status. */
export const DomainErrorCode = {
  MirrorNotFound: 'MIRROR_NOT_FOUND',
  MirrorAlreadyExists: 'MIRROR_ALREADY_EXISTS',
  SyncInProgress: 'SYNC_IN_PROGRESS',
  NothingToCancel: 'NOTHING_TO_CANCEL',
  StaleRun: 'STALE_RUN',
  RobotAlreadyExists: 'ROBOT_ALREADY_EXISTS',
  RuleNotFound: 'NOTIFICATION_RULE_NOT_FOUND',
  RuleAlreadyExists: 'NOTIFICATION_RULE_ALREADY_EXISTS',
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
