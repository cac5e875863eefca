import type {
  EncryptedSecret,
  MirrorConfig,
  NotificationEvent,
  NotificationMethod,
  RunError,
  RunSummary,
  RunTrigger,
} from './mirror-config';

export const EVENT_SCHEMA_VERSION = 1 as const;

/** What every event carries besides its payload. */
export interface EventMetadata {
  /** UUID; also the JetStream `Nats-Msg-Id`, so a retried publish is stored once. */
  id: string;
  schemaVersion: number;
  /** ISO-8601. */
  occurredAt: string;
  aggregateId: string;
  /** The id shared by everything one request or one scheduled run caused. */
  correlationId: string;
  /** The id of the event or request that directly caused this one. */
  causationId: string;
  /** W3C trace context of the span that produced the event. */
  traceparent?: string;
  tracestate?: string;
}

export type Event<Type extends string, Data> = EventMetadata & { type: Type; data: Data };

// ---- mirror aggregate: one subject per target repository -------------------------------------
export type MirrorCreated = Event<'MirrorCreated', { mirrorId: string; config: MirrorConfig; nextSyncAt: string }>;
export type MirrorUpdated = Event<'MirrorUpdated', { mirrorId: string; config: MirrorConfig; nextSyncAt: string }>;
export type MirrorDeleted = Event<'MirrorDeleted', { mirrorId: string }>;
export type MirrorSyncNowRequested = Event<'MirrorSyncNowRequested', { mirrorId: string }>;
export type MirrorRunScheduled = Event<
  'MirrorRunScheduled',
  { mirrorId: string; runId: string; trigger: RunTrigger; fencingToken: number; leaseExpiresAt: string }
>;
export type MirrorLeaseRenewed = Event<
  'MirrorLeaseRenewed',
  { mirrorId: string; runId: string; fencingToken: number; leaseExpiresAt: string }
>;
export type MirrorStarted = Event<
  'MirrorStarted',
  { mirrorId: string; runId: string; trigger: RunTrigger; externalReference: string; fencingToken: number }
>;
export type MirrorSucceeded = Event<
  'MirrorSucceeded',
  { mirrorId: string; runId: string; summary: RunSummary; nextSyncAt: string }
>;
export type MirrorFailed = Event<
  'MirrorFailed',
  {
    mirrorId: string;
    runId: string;
    summary: RunSummary;
    error: RunError;
    retryable: boolean;
    retriesRemaining: number;
    /** Runs in a row that have failed, this one included (for "notify after N failures"). */
    consecutiveFailures: number;
    nextSyncAt: string;
  }
>;
export type MirrorCancelRequested = Event<'MirrorCancelRequested', { mirrorId: string; runId: string | null }>;
export type MirrorCancelled = Event<
  'MirrorCancelled',
  { mirrorId: string; runId: string | null; summary: RunSummary | null; nextSyncAt: string }
>;

export type MirrorEvent =
  | MirrorCreated
  | MirrorUpdated
  | MirrorDeleted
  | MirrorSyncNowRequested
  | MirrorRunScheduled
  | MirrorLeaseRenewed
  | MirrorStarted
  | MirrorSucceeded
  | MirrorFailed
  | MirrorCancelRequested
  | MirrorCancelled;

// ---- run stream: per-tag results, written only by the worker that holds the run ---------------
export type MirrorTagSynced = Event<
  'MirrorTagSynced',
  { mirrorId: string; runId: string; tag: string; digest: string; mediaType: string; bytesCopied: number; unchanged: boolean }
>;
export type MirrorTagFailed = Event<'MirrorTagFailed', { mirrorId: string; runId: string; tag: string; error: RunError }>;
export type MirrorTagDeleted = Event<'MirrorTagDeleted', { mirrorId: string; runId: string; tag: string; digest: string | null }>;

export type RunEvent = MirrorTagSynced | MirrorTagFailed | MirrorTagDeleted;

// ---- robot accounts ---------------------------------------------------------------------------
export type RobotCreated = Event<
  'RobotCreated',
  { username: string; namespace: string; name: string; description: string; token: EncryptedSecret }
>;
export type RobotEvent = RobotCreated;

// ---- notification rules -----------------------------------------------------------------------
export interface NotificationRule {
  ruleId: string;
  mirrorId: string;
  /** One of Quay's three mirror events, as in Quay: a rule per event. */
  event: NotificationEvent;
  method: NotificationMethod;
  /** Webhook or Slack incoming-webhook URL, or the email address, by method. */
  target: string;
  title: string;
  /** HMAC key for webhook signatures, sealed. */
  secret: EncryptedSecret | null;
  /** For failure rules: notify only once this many runs in a row have failed (1 = every failure). */
  minConsecutiveFailures: number;
}
export type NotificationRuleCreated = Event<'NotificationRuleCreated', NotificationRule>;
export type NotificationRuleDeleted = Event<'NotificationRuleDeleted', { ruleId: string; mirrorId: string }>;
export type NotificationRuleEvent = NotificationRuleCreated | NotificationRuleDeleted;

/** Every event Ferry stores. */
export type FerryEvent = MirrorEvent | RunEvent | RobotEvent | NotificationRuleEvent;
export type FerryEventType = FerryEvent['type'];

/** An event as read back from the log: the payload plus where it sits. */
export type StoredEvent<E extends FerryEvent = FerryEvent> = E & {
  /** Stream sequence: the global, gap-free-per-stream position used by projection checkpoints. */
  position: number;
  subject: string;
};

/** An event before the store has assigned anything. */
export type NewEvent<E extends FerryEvent = FerryEvent> = Pick<E, 'type' | 'data'>;
