import type {
  EncryptedSecret,
  MirrorConfig,
  NotificationEvent,
  NotificationMethod,
  RunError,
  RunOutcome,
  RunSummary,
  RunTrigger,
} from './mirror-config';
import type { Actor, MemberKind, PasswordHash, PrincipalKind, RepositoryState, Role, Scope, TeamRole, Visibility } from './identity';
import type { DiscoverySummary, OrgMirrorConfig } from './org-mirror';
import type { ProxyCacheConfig, StaleReason } from './proxy-cache';
import type { TagVerification } from './trust-policy';
import { mirrorNamespace } from './subjects';

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
  /** Who caused it; absent on events stored before actors were recorded. */
  actor?: Actor;
}

export type Event<Type extends string, Data> = EventMetadata & { type: Type; data: Data };

// ---- mirror aggregate: one subject per target repository -------------------------------------
export type MirrorCreated = Event<'MirrorCreated', { mirrorId: string; config: MirrorConfig; nextSyncAt: string }>;
export type MirrorUpdated = Event<'MirrorUpdated', { mirrorId: string; config: MirrorConfig; nextSyncAt: string }>;
export type MirrorDeleted = Event<'MirrorDeleted', { mirrorId: string }>;
export type MirrorSyncNowRequested = Event<'MirrorSyncNowRequested', { mirrorId: string }>;
export type MirrorRunScheduled = Event<
  'MirrorRunScheduled',
  {
    mirrorId: string;
    runId: string;
    trigger: RunTrigger;
    fencingToken: number;
    leaseExpiresAt: string;
    /** The upstream at scheduling time, so a worker can take its host's slot before claiming. */
    externalReference: string;
    /** A targeted run (trigger `push`): only these upstream tags, those the tag rule selects, run; absent: every tag. */
    tags?: string[];
  }
>;
export type MirrorLeaseRenewed = Event<
  'MirrorLeaseRenewed',
  { mirrorId: string; runId: string; fencingToken: number; leaseExpiresAt: string }
>;
/**
 * A stopping worker gave its run back: the lease ends at `leaseExpiresAt` (when it was given back),
 * so the run is due at once and another worker resumes it instead of waiting the lease out.
 */
export type MirrorLeaseReleased = Event<
  'MirrorLeaseReleased',
  { mirrorId: string; runId: string; fencingToken: number; leaseExpiresAt: string }
>;
export type MirrorStarted = Event<
  'MirrorStarted',
  {
    mirrorId: string;
    runId: string;
    trigger: RunTrigger;
    externalReference: string;
    fencingToken: number;
    /** `host/pid` of the sync-worker process that runs it. */
    worker: string;
  }
>;
/** Another worker took over a started run whose lease had expired (its worker died or stalled). */
export type MirrorRunResumed = Event<
  'MirrorRunResumed',
  { mirrorId: string; runId: string; fencingToken: number; worker: string }
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

/**
 * An upstream said (through a hook) that it was pushed: the tags wait in the mirror's state for
 * its next run, which (when it is not a full run anyway) runs only the pushed tags.
 */
export type MirrorPushReceived = Event<'MirrorPushReceived', { mirrorId: string; hookId: string; tags: string[]; receivedAt: string }>;

export type MirrorEvent =
  | MirrorCreated
  | MirrorPushReceived
  | MirrorUpdated
  | MirrorDeleted
  | MirrorSyncNowRequested
  | MirrorRunScheduled
  | MirrorLeaseRenewed
  | MirrorLeaseReleased
  | MirrorStarted
  | MirrorRunResumed
  | MirrorSucceeded
  | MirrorFailed
  | MirrorCancelRequested
  | MirrorCancelled;

// ---- organization mirrors: one subject per organization ------------------------------------------
/** The repository that a discovery set up, with its upstream name. */
export interface DiscoveredRepository {
  repository: string;
  upstream: string;
}
export type OrgMirrorCreated = Event<'OrgMirrorCreated', { organization: string; config: OrgMirrorConfig; nextSyncAt: string }>;
export type OrgMirrorUpdated = Event<'OrgMirrorUpdated', { organization: string; config: OrgMirrorConfig; nextSyncAt: string }>;
/** `deleteRepositories`: whether the discovered repositories (and their images) go too; otherwise they stay, unmirrored. */
export type OrgMirrorDeleted = Event<'OrgMirrorDeleted', { organization: string; deleteRepositories: boolean }>;
export type OrgMirrorSyncNowRequested = Event<'OrgMirrorSyncNowRequested', { organization: string }>;
export type OrgDiscoveryScheduled = Event<
  'OrgDiscoveryScheduled',
  { organization: string; runId: string; trigger: RunTrigger; fencingToken: number; leaseExpiresAt: string }
>;
/** A worker began the discovery, or (`resumed`) took over one whose lease had ended, from its last page. */
export type OrgDiscoveryStarted = Event<
  'OrgDiscoveryStarted',
  { organization: string; runId: string; trigger: RunTrigger; fencingToken: number; worker: string; resumed: boolean; leaseExpiresAt: string }
>;
/**
 * One page of the upstream listing, handled: the checkpoint a resumed discovery starts from
 * (`cursor`, null once the listing is complete). Each page renews the lease, so a discovery of
 * any size never outlives it while it makes progress.
 */
export type OrgDiscoveryPageListed = Event<
  'OrgDiscoveryPageListed',
  {
    organization: string;
    runId: string;
    fencingToken: number;
    page: number;
    cursor: string | null;
    /** Names on the page, before filtering. */
    listed: number;
    /** The page's repositories that the filters selected (each set up, or failed). */
    matched: DiscoveredRepository[];
    added: DiscoveredRepository[];
    failed: { repository: string; message: string }[];
    leaseExpiresAt: string;
  }
>;
/** The worker holding the discovery renewed its lease while a page takes long (a listing that is slow to answer, a page of many new repositories). */
export type OrgDiscoveryLeaseRenewed = Event<'OrgDiscoveryLeaseRenewed', { organization: string; runId: string; fencingToken: number; leaseExpiresAt: string }>;
/** A stopping worker gave the discovery back: its lease ends now, so the scheduler reassigns it at once and another worker resumes from its last page. */
export type OrgDiscoveryLeaseReleased = Event<'OrgDiscoveryLeaseReleased', { organization: string; runId: string; fencingToken: number; leaseExpiresAt: string }>;
export type OrgDiscoveryCancelRequested = Event<'OrgDiscoveryCancelRequested', { organization: string; runId: string | null }>;
/**
 * The discovery ended. `vanished` (on a complete listing only) are the repositories whose upstream
 * is gone, `deleted` those removed under `vanished: delete`.
 */
export type OrgDiscoveryCompleted = Event<
  'OrgDiscoveryCompleted',
  {
    organization: string;
    runId: string | null;
    outcome: RunOutcome;
    summary: DiscoverySummary;
    error: RunError | null;
    retryable: boolean;
    retriesRemaining: number;
    nextSyncAt: string;
  }
>;
export type OrgMirrorEvent =
  | OrgMirrorCreated
  | OrgMirrorUpdated
  | OrgMirrorDeleted
  | OrgMirrorSyncNowRequested
  | OrgDiscoveryScheduled
  | OrgDiscoveryStarted
  | OrgDiscoveryPageListed
  | OrgDiscoveryLeaseRenewed
  | OrgDiscoveryLeaseReleased
  | OrgDiscoveryCancelRequested
  | OrgDiscoveryCompleted;

// ---- upstream push hooks: one subject per hook -------------------------------------------------
/** Whose hook: a repository mirror's, or an organization mirror's (whose pushes may also be new repositories). */
export type HookOwner = { kind: 'mirror'; mirrorId: string } | { kind: 'org-mirror'; organization: string };
/**
 * How a delivery proves it knows the hook's secret. `bearer`: `Authorization: Bearer <secret>`
 * (docker-registry, Harbor's auth header) or `?secret=<secret>` for senders that can set no
 * header (Docker Hub, Quay); only the secret's sha256 is kept. `hmac-sha256`: GitHub's
 * `X-Hub-Signature-256` over the body, which needs the secret itself: it is kept sealed.
 */
export const HookVerification = { Bearer: 'bearer', HmacSha256: 'hmac-sha256' } as const;
export type HookVerification = (typeof HookVerification)[keyof typeof HookVerification];
export type HookCreated = Event<
  'HookCreated',
  { hookId: string; namespace: string; owner: HookOwner; verification: HookVerification; secretHash: string; sealedSecret: EncryptedSecret | null }
>;
export type HookSecretRotated = Event<'HookSecretRotated', { hookId: string; secretHash: string; sealedSecret: EncryptedSecret | null }>;
export type HookDeleted = Event<'HookDeleted', { hookId: string; namespace: string }>;
/**
 * One authenticated delivery and what came of it: `run` (pushed tags handed to a mirror),
 * `discovery` (a new repository: the organization mirror's discovery), `ignored` (anything else,
 * acknowledged: a pull, a repository the hook does not mirror, a disabled mirror...).
 */
export const HookDeliveryOutcome = { Run: 'run', Discovery: 'discovery', Ignored: 'ignored' } as const;
export type HookDeliveryOutcome = (typeof HookDeliveryOutcome)[keyof typeof HookDeliveryOutcome];
export type HookDeliveryRecorded = Event<
  'HookDeliveryRecorded',
  {
    hookId: string;
    deliveryId: string;
    /** Which sender's format it was read as (`distribution`, `dockerhub`, `quay`, `harbor`, `github`). */
    sender: string;
    receivedAt: string;
    results: { repository: string; tags: string[]; outcome: HookDeliveryOutcome; detail: string; mirrorId: string | null }[];
  }
>;
export type HookEvent = HookCreated | HookSecretRotated | HookDeleted | HookDeliveryRecorded;

// ---- run stream: per-tag results, written only by the worker that holds the run ---------------
export type MirrorTagSynced = Event<
  'MirrorTagSynced',
  {
    mirrorId: string;
    runId: string;
    tag: string;
    /** The target's digest. */
    digest: string;
    mediaType: string;
    bytesCopied: number;
    unchanged: boolean;
    /** The upstream digest it was copied from, and how (the sync engine's copy profile); absent on older events. */
    sourceDigest?: string;
    copyProfile?: string;
    /** When Ferry first saw the tag upstream (ISO-8601); absent on events recorded before it was. */
    firstSeenAt?: string;
    /** The check against the mirror's trust policy (`signature_policy: verify`); absent when the mirror does not verify. */
    verification?: TagVerification;
  }
>;
/** `retryable`: whether a later run may copy the tag (false for a refusal such as UNSIGNED_IMAGE); absent on older events. */
export type MirrorTagFailed = Event<
  'MirrorTagFailed',
  {
    mirrorId: string;
    runId: string;
    tag: string;
    error: RunError;
    retryable?: boolean;
    /** A tag refused by the trust policy: what was checked and who was tried (and whether it was quarantined under its digest). */
    verification?: TagVerification;
  }
>;
export type MirrorTagDeleted = Event<'MirrorTagDeleted', { mirrorId: string; runId: string; tag: string; digest: string | null }>;
/**
 * A failed run with rollback put the tag back as it was before the run: `digest` (and its media
 * type) is what the tag holds again, or null when the run had created the tag and it was removed.
 */
export type MirrorTagRolledBack = Event<'MirrorTagRolledBack', { mirrorId: string; runId: string; tag: string; digest: string | null; mediaType: string | null }>;

export type RunEvent = MirrorTagSynced | MirrorTagFailed | MirrorTagDeleted | MirrorTagRolledBack;

// ---- robot accounts: one subject per robot (`ns+name`) ------------------------------------------
export type RobotCreated = Event<
  'RobotCreated',
  {
    username: string;
    namespace: string;
    name: string;
    description: string;
    /** Sealed, for the worker that signs in as the robot. */
    token: EncryptedSecret;
    /** sha256 (hex) of the token, for checking a robot's credentials; absent on older robots. */
    tokenHash?: string;
  }
>;
export type RobotUpdated = Event<'RobotUpdated', { username: string; description: string }>;
export type RobotTokenRegenerated = Event<'RobotTokenRegenerated', { username: string; token: EncryptedSecret; tokenHash: string }>;
export type RobotDeleted = Event<'RobotDeleted', { username: string; namespace: string }>;
/** Its owner (an organization admin) read the robot's token again: the audit of it, never the token. */
export type RobotTokenRead = Event<'RobotTokenRead', { username: string; namespace: string }>;
export type RobotEvent = RobotCreated | RobotUpdated | RobotTokenRegenerated | RobotDeleted | RobotTokenRead;

// ---- users: one subject per user name; tokens are the user's ------------------------------------
export type UserCreated = Event<'UserCreated', { username: string; email: string | null; password: PasswordHash | null }>;
export type UserUpdated = Event<'UserUpdated', { username: string; email: string | null }>;
export type UserPasswordChanged = Event<'UserPasswordChanged', { username: string; password: PasswordHash }>;
export type UserDeleted = Event<'UserDeleted', { username: string }>;
export type ApiTokenCreated = Event<
  'ApiTokenCreated',
  {
    username: string;
    tokenId: string;
    title: string;
    scopes: Scope[];
    /** ISO-8601, or null for a token that does not expire. */
    expiresAt: string | null;
    /** sha256 (hex) of the token, what a request's token is checked against. */
    tokenHash: string;
    /** The token sealed, so that its owner can read it again (absent on tokens made before it was kept). */
    token?: EncryptedSecret;
    /** A sign-in's session (absent on sessions made before it was marked: their title says so): a password change ends it. */
    session?: boolean;
    /** The OAuth application that minted it (Quay's `/oauth/authorizeapp`): it dies with the application. */
    application?: { organization: string; clientId: string };
  }
>;
export type ApiTokenRevoked = Event<'ApiTokenRevoked', { username: string; tokenId: string }>;
/** Its owner read the API token again: the audit of it, never the token. */
export type ApiTokenRead = Event<'ApiTokenRead', { username: string; tokenId: string }>;
/** A superuser disabled or enabled a user (Quay's `enabled`): a disabled user signs in with nothing, its tokens and sessions included. */
export type UserEnabledChanged = Event<'UserEnabledChanged', { username: string; enabled: boolean }>;
/** The user was given an encrypted password (Quay's client key, `POST /user/clientkey`): the audit of it, never the key. */
export type ClientKeyIssued = Event<'ClientKeyIssued', { username: string }>;
export type UserEvent = UserCreated | UserUpdated | UserPasswordChanged | UserDeleted | ApiTokenCreated | ApiTokenRevoked | ApiTokenRead | UserEnabledChanged | ClientKeyIssued;

// ---- organizations and repositories: Quay's namespaces and what they hold -------------------------
/** What a grant is on: a whole organization, or one repository. */
export type GrantResource = { kind: 'organization'; namespace: string } | { kind: 'repository'; namespace: string; repository: string };
export type PermissionGranted = Event<
  'PermissionGranted',
  { resource: GrantResource; principal: { kind: PrincipalKind; name: string }; role: Role }
>;
export type PermissionRevoked = Event<'PermissionRevoked', { resource: GrantResource; principal: { kind: PrincipalKind; name: string } }>;

export type OrganizationCreated = Event<'OrganizationCreated', { name: string; email: string | null }>;
export type OrganizationUpdated = Event<'OrganizationUpdated', { name: string; email: string | null }>;
export type OrganizationDeleted = Event<'OrganizationDeleted', { name: string }>;
/**
 * Quay's default permissions (permission prototypes): a role a repository created in the
 * organization grants its delegate (a user or robot) from the start; with `activatingUser`, only
 * when that user creates it.
 */
export type DefaultPermissionCreated = Event<
  'DefaultPermissionCreated',
  { organization: string; prototypeId: string; delegate: { kind: PrincipalKind; name: string }; role: Role; activatingUser: string | null }
>;
export type DefaultPermissionChanged = Event<'DefaultPermissionChanged', { organization: string; prototypeId: string; role: Role }>;
export type DefaultPermissionDeleted = Event<'DefaultPermissionDeleted', { organization: string; prototypeId: string }>;
export type OrganizationEvent =
  | OrganizationCreated
  | OrganizationUpdated
  | OrganizationDeleted
  | PermissionGranted
  | PermissionRevoked
  | DefaultPermissionCreated
  | DefaultPermissionChanged
  | DefaultPermissionDeleted;

export interface RepositoryRef {
  namespace: string;
  repository: string;
}
export type RepositoryCreated = Event<
  'RepositoryCreated',
  RepositoryRef & { description: string; visibility: Visibility; state: RepositoryState }
>;
export type RepositoryUpdated = Event<'RepositoryUpdated', RepositoryRef & { description: string; visibility: Visibility }>;
export type RepositoryStateChanged = Event<'RepositoryStateChanged', RepositoryRef & { state: RepositoryState }>;
export type RepositoryDeleted = Event<'RepositoryDeleted', RepositoryRef>;
/**
 * The token service issued a registry token for one repository (or the catalog): the audit of who
 * was let do what on the target registry. `granted` and `refused` split what was asked for.
 */
export type RegistryTokenIssued = Event<
  'RegistryTokenIssued',
  { service: string; namespace: string | null; repository: string | null; subject: string; requested: string[]; granted: string[]; refused: string[]; expiresAt: string }
>;
export type RegistryEvent = RegistryTokenIssued;

// ---- proxy-cache organizations: the settings by organization; what the registry front did, by `org/repo` ----
export type ProxyCacheCreated = Event<'ProxyCacheCreated', { organization: string; config: ProxyCacheConfig }>;
export type ProxyCacheDeleted = Event<'ProxyCacheDeleted', { organization: string }>;
export type ProxyCacheConfigEvent = ProxyCacheCreated | ProxyCacheDeleted;
/**
 * The front stored what it fetched from the upstream on a miss, after its digest was verified:
 * a manifest (`reference` the tag or digest the client asked for) or a blob.
 */
export type ProxyCacheFilled = Event<
  'ProxyCacheFilled',
  {
    organization: string;
    repository: string;
    kind: 'manifest' | 'blob';
    reference: string;
    digest: string;
    size: number;
    upstream: string;
    /** A manifest's: the digests it names (an image's config and layers, an index's manifests), so what it holds can be counted and evicted with it. */
    references?: string[];
  }
>;
/** A manifest by tag past its expiry was checked against the upstream: `changed` when the tag moved. */
export type ProxyCacheRefreshed = Event<
  'ProxyCacheRefreshed',
  { organization: string; repository: string; tag: string; digest: string; previousDigest: string; changed: boolean }
>;
/** The upstream failed and the front served its cached manifest past expiry (within the staleness bound). */
export type ProxyCacheStaleServed = Event<
  'ProxyCacheStaleServed',
  { organization: string; repository: string; tag: string; digest: string; reason: StaleReason; ageSeconds: number; upstreamStatus: number | null }
>;
/**
 * The organization's cached bytes passed its size limit and the front deleted from the target
 * what was pulled least recently: the manifest `digest` with its `tags` (none when it was pulled
 * by digest), and every manifest and blob in `removed` that nothing still cached names;
 * `bytes` of them. `cachedBytes` is the count before, `limitBytes` the limit.
 */
export type ProxyCacheEvicted = Event<
  'ProxyCacheEvicted',
  { organization: string; repository: string; digest: string; tags: string[]; bytes: number; lastPulledAt: string; removed: string[]; cachedBytes: number; limitBytes: number }
>;
export type ProxyCacheRepositoryEvent = ProxyCacheFilled | ProxyCacheRefreshed | ProxyCacheStaleServed | ProxyCacheEvicted;

export type RepositoryEvent = RepositoryCreated | RepositoryUpdated | RepositoryStateChanged | RepositoryDeleted | PermissionGranted | PermissionRevoked;

// ---- notification rules -----------------------------------------------------------------------
export interface NotificationRule {
  ruleId: string;
  /** The mirror the rule watches, or null for a namespace rule (every mirror of `namespace`). */
  mirrorId: string | null;
  /**
   * The namespace the rule belongs to. Absent on rules created before namespace rules existed:
   * read it through `notificationRuleNamespace` (the mirror's namespace).
   */
  namespace?: string;
  /** Quay's single event: the first of `events`, kept so Quay-shaped readers see one. */
  event: NotificationEvent;
  /**
   * Every event the rule wants (any subset of started, succeeded, failed). Absent on rules
   * created before rules took several: read it through `notificationRuleEvents` (`[event]`).
   */
  events?: NotificationEvent[];
  method: NotificationMethod;
  /** Webhook or Slack incoming-webhook URL, the email address, or the user name (in-app), by method. */
  target: string;
  title: string;
  /** HMAC key for webhook signatures, sealed. */
  secret: EncryptedSecret | null;
  /** For failure rules: notify only once this many runs in a row have failed (1 = every failure). */
  minConsecutiveFailures: number;
}
export type NotificationRuleCreated = Event<'NotificationRuleCreated', NotificationRule>;
export type NotificationRuleDeleted = Event<
  'NotificationRuleDeleted',
  { ruleId: string; mirrorId: string | null; namespace?: string }
>;
/**
 * Quay's reset of a rule's `number_of_failures`: failures before it no longer count, and a rule
 * disabled for failing is enabled again.
 */
export type NotificationRuleFailuresReset = Event<'NotificationRuleFailuresReset', { ruleId: string; mirrorId: string | null; namespace: string }>;
/** Quay's "disabled after N failures": the notifier stopped sending the rule's notifications until a reset. */
export type NotificationRuleDisabled = Event<'NotificationRuleDisabled', { ruleId: string; mirrorId: string | null; namespace: string; failures: number }>;
export type NotificationRuleEvent = NotificationRuleCreated | NotificationRuleDeleted | NotificationRuleFailuresReset | NotificationRuleDisabled;

/** The events a rule wants, for rules stored with or without `events`. */
export function notificationRuleEvents(rule: Pick<NotificationRule, 'event' | 'events'>): NotificationEvent[] {
  return rule.events && rule.events.length ? [...rule.events] : [rule.event];
}

/** The namespace of a rule, for rules stored with or without `namespace`. */
export function notificationRuleNamespace(rule: Pick<NotificationRule, 'mirrorId' | 'namespace'>): string {
  if (rule.namespace) return rule.namespace;
  if (rule.mirrorId) return mirrorNamespace(rule.mirrorId);
  throw new TypeError('a notification rule needs a mirror or a namespace');
}

// ---- teams: one subject per `organization/team`; a team's grants on repositories are the repositories' -----
export type TeamCreated = Event<'TeamCreated', { organization: string; team: string; role: TeamRole; description: string }>;
export type TeamUpdated = Event<'TeamUpdated', { organization: string; team: string; role: TeamRole; description: string }>;
export type TeamDeleted = Event<'TeamDeleted', { organization: string; team: string }>;
export type TeamMemberAdded = Event<'TeamMemberAdded', { organization: string; team: string; member: { kind: MemberKind; name: string } }>;
export type TeamMemberRemoved = Event<'TeamMemberRemoved', { organization: string; team: string; member: { kind: MemberKind; name: string } }>;
export type TeamEvent = TeamCreated | TeamUpdated | TeamDeleted | TeamMemberAdded | TeamMemberRemoved;

// ---- OAuth applications of an organization: one subject per `organization/clientId` -------------
/** What an organization admin says of an application (Quay's `NewApp`/`UpdateApp`). */
export interface OAuthApplicationFields {
  name: string;
  description: string;
  applicationUri: string;
  /** Where `/oauth/authorizeapp` may send a token (besides Ferry's own `/oauth/localapp`); '' for none. */
  redirectUri: string;
  avatarEmail: string | null;
}
export type OAuthApplicationCreated = Event<'OAuthApplicationCreated', { organization: string; clientId: string; clientSecret: EncryptedSecret } & OAuthApplicationFields>;
export type OAuthApplicationUpdated = Event<'OAuthApplicationUpdated', { organization: string; clientId: string } & OAuthApplicationFields>;
/** A new client secret, sealed; the tokens the application minted live on, as in Quay. */
export type OAuthApplicationClientSecretReset = Event<'OAuthApplicationClientSecretReset', { organization: string; clientId: string; clientSecret: EncryptedSecret }>;
/** The application is gone, and every token it minted is refused. */
export type OAuthApplicationDeleted = Event<'OAuthApplicationDeleted', { organization: string; clientId: string }>;
export type OAuthApplicationEvent = OAuthApplicationCreated | OAuthApplicationUpdated | OAuthApplicationClientSecretReset | OAuthApplicationDeleted;

// ---- quotas: one subject per namespace (Quay's namespace quota, its limits, and what Ferry wrote there) ----
// A run's quota events carry its `mirrorId`, so the mirror's usage logs show them.
/** Quay's quota limit types: `Warning` is soft (recorded, notified), `Reject` hard (a run that would pass it writes nothing). */
export const QuotaLimitType = { Warning: 'Warning', Reject: 'Reject' } as const;
export type QuotaLimitType = (typeof QuotaLimitType)[keyof typeof QuotaLimitType];
/**
 * `usage`: repository → the bytes Ferry had written into it when the quota was made (the API's
 * `repository_usage` read model), the usage the quota counts from; runs record theirs from then on.
 * Absent in events from before usage was kept only under a quota: their namespace's
 * `QuotaUsageRecorded` events, recorded quota or not, already hold it.
 */
export type NamespaceQuotaCreated = Event<'NamespaceQuotaCreated', { namespace: string; quotaId: number; limitBytes: number; usage?: Record<string, number> }>;
export type NamespaceQuotaChanged = Event<'NamespaceQuotaChanged', { namespace: string; quotaId: number; limitBytes: number }>;
/**
 * Its limits go with it, and the usage the aggregate kept for it (the namespace's usage is the
 * `repository_usage` read model's, quota or not; a new quota starts from that).
 */
export type NamespaceQuotaDeleted = Event<'NamespaceQuotaDeleted', { namespace: string; quotaId: number }>;
export type QuotaLimitCreated = Event<'QuotaLimitCreated', { namespace: string; quotaId: number; limitId: number; limitType: QuotaLimitType; thresholdPercent: number }>;
export type QuotaLimitChanged = Event<'QuotaLimitChanged', { namespace: string; quotaId: number; limitId: number; limitType: QuotaLimitType; thresholdPercent: number }>;
export type QuotaLimitDeleted = Event<'QuotaLimitDeleted', { namespace: string; quotaId: number; limitId: number }>;
/**
 * A run was let write `bytes` (what its upstream manifests add to the repository) under the
 * namespace's hard limit: they count against it until the run's usage is recorded, so two runs
 * at once cannot both pass it. A later reservation of the same repository replaces it.
 */
export type QuotaBytesReserved = Event<'QuotaBytesReserved', { namespace: string; repository: string; mirrorId: string; runId: string; fencingToken: number; bytes: number }>;
/**
 * What a run wrote into the repository (its tags' `bytesCopied`) under a quota, recorded once per worker's hold
 * of the run (`fencingToken`: a run resumed by another worker records what that one wrote); ends
 * the repository's reservation. `usageBytes`: the namespace's usage after it.
 */
export type QuotaUsageRecorded = Event<'QuotaUsageRecorded', { namespace: string; repository: string; mirrorId: string; runId: string; fencingToken: number; bytes: number; usageBytes: number }>;
/** The namespace's usage reached a `Warning` limit (Quay's soft limit): recorded once per crossing. */
export type QuotaWarningReached = Event<
  'QuotaWarningReached',
  { namespace: string; repository: string; mirrorId: string; runId: string; thresholdPercent: number; usageBytes: number; quotaBytes: number }
>;
export type QuotaEvent =
  | NamespaceQuotaCreated
  | NamespaceQuotaChanged
  | NamespaceQuotaDeleted
  | QuotaLimitCreated
  | QuotaLimitChanged
  | QuotaLimitDeleted
  | QuotaBytesReserved
  | QuotaUsageRecorded
  | QuotaWarningReached;

/** Every event Ferry stores. */
export type FerryEvent = MirrorEvent | OrgMirrorEvent | HookEvent | RunEvent | RobotEvent | NotificationRuleEvent | UserEvent | OrganizationEvent | RepositoryEvent | RegistryEvent | TeamEvent | OAuthApplicationEvent | QuotaEvent | ProxyCacheConfigEvent | ProxyCacheRepositoryEvent;
export type FerryEventType = FerryEvent['type'];

/** An event as read back from the log: the payload plus where it sits. */
export type StoredEvent<E extends FerryEvent = FerryEvent> = E & {
  /** Stream sequence: the global, gap-free-per-stream position used by projection checkpoints. */
  position: number;
  subject: string;
};

/** An event before the store has assigned anything. */
export type NewEvent<E extends FerryEvent = FerryEvent> = Pick<E, 'type' | 'data'>;
