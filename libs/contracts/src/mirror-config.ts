/** An upstream secret, encrypted by `@ferry/secrets`; only this form ever enters an event. */
export interface EncryptedSecret {
  /** Which key encrypted it, so keys can rotate. */
  keyId: string;
  /** base64 of iv | auth tag | ciphertext (AES-256-GCM). */
  ciphertext: string;
}

import type { TagDeletion } from './tag-deletion';
import type { TagRule } from './tag-rule';
import type { TrustPolicy } from './trust-policy';

/** Quay's only `root_rule.rule_kind`: comma-separated globs. */
export const TAG_RULE_KIND = 'tag_glob_csv' as const;

export interface ProxyConfig {
  httpProxy: string | null;
  httpsProxy: string | null;
  noProxy: string | null;
}

export interface ExternalRegistryConfig {
  verifyTls: boolean;
  /**
   * Quay's `unsigned_images`: true accepts unsigned images whatever the signature policy; false
   * leaves it to the policy (`MirrorConfig.signaturePolicy`), as in Quay.
   */
  unsignedImages: boolean;
  proxy: ProxyConfig;
}

/**
 * Ferry's signature policy: `require` (also spelled `require-signature`) refuses a tag whose image
 * has no signature; `verify` publishes a tag only when its image's signatures pass the mirror's
 * trust policy (`MirrorConfig.trustPolicy`).
 */
export const SignaturePolicy = { Accept: 'accept', Require: 'require', RequireSignature: 'require-signature', Verify: 'verify' } as const;
export type SignaturePolicy = (typeof SignaturePolicy)[keyof typeof SignaturePolicy];

/** A mirror's settings, in Ferry's own (camelCase) names; the API maps Quay's names onto these. */
export interface MirrorConfig {
  namespace: string;
  repository: string;
  isEnabled: boolean;
  /** `host[:port]/path`, no scheme and no tag. */
  externalReference: string;
  externalRegistryUsername: string | null;
  externalRegistryPassword: EncryptedSecret | null;
  robotUsername: string;
  /** Which upstream tags are copied. Events stored before it existed held `tagPatterns: string[]`; the event codec upcasts them. */
  tagRule: TagRule;
  /** ISO-8601 instant that anchors the interval grid. */
  syncStartDate: string;
  /** Seconds between scheduled runs. */
  syncInterval: number;
  externalRegistryConfig: ExternalRegistryConfig;
  architectureFilter: string[];
  /** Seconds one registry operation may take. */
  skopeoTimeoutInterval: number;
  /**
   * Whether unsigned images are refused (unless `unsigned_images` is true). Absent on events
   * stored before it existed, when `unsigned_images: false` alone refused them: read it through
   * `signaturePolicyOf`.
   */
  signaturePolicy?: SignaturePolicy;
  /** With `signaturePolicy: verify`: whose signatures count (absent otherwise). */
  trustPolicy?: TrustPolicy;
  /** Whether tags that stop matching are deleted, and the cap per run; absent (Quay's behaviour) on older configs: read it through `tagDeletionOf`. */
  tagDeletion?: TagDeletion;
  /** Set on the mirror of a repository an organization mirror discovered: its settings follow the organization's. */
  orgMirror?: { organization: string; upstream: string };
}

/** The policy of a stored config: older configs refused unsigned images by `unsigned_images: false` alone. */
export function signaturePolicyOf(config: Pick<MirrorConfig, 'signaturePolicy' | 'externalRegistryConfig'>): SignaturePolicy {
  return config.signaturePolicy ?? (config.externalRegistryConfig.unsignedImages ? SignaturePolicy.Accept : SignaturePolicy.Require);
}

/** True when a run refuses tags whose image carries no signature: Quay's `unsigned_images` overrides the policy. */
export function refusesUnsignedImages(config: Pick<MirrorConfig, 'signaturePolicy' | 'externalRegistryConfig'>): boolean {
  const policy = signaturePolicyOf(config);
  return !config.externalRegistryConfig.unsignedImages && (policy === SignaturePolicy.Require || policy === SignaturePolicy.RequireSignature);
}

/** The trust policy a run verifies against, or null: Quay's `unsigned_images: true` accepts unsigned images whatever the policy. */
export function trustPolicyOf(config: Pick<MirrorConfig, 'signaturePolicy' | 'trustPolicy' | 'externalRegistryConfig'>): TrustPolicy | null {
  if (config.externalRegistryConfig.unsignedImages || signaturePolicyOf(config) !== SignaturePolicy.Verify) return null;
  return config.trustPolicy ?? null;
}

/** Quay's mirror statuses, kept verbatim because API clients compare against them. */
export const MirrorStatus = {
  NeverRun: 'NEVER_RUN',
  SyncNow: 'SYNC_NOW',
  Syncing: 'SYNCING',
  Success: 'SUCCESS',
  Fail: 'FAIL',
  Cancel: 'CANCEL',
} as const;
export type MirrorStatus = (typeof MirrorStatus)[keyof typeof MirrorStatus];

/** `push`: an upstream's push event (a hook) asked for the pushed tags only. */
export const RunTrigger = { Schedule: 'schedule', SyncNow: 'sync_now', Retry: 'retry', Push: 'push' } as const;
export type RunTrigger = (typeof RunTrigger)[keyof typeof RunTrigger];

export const RunOutcome = { Succeeded: 'succeeded', Failed: 'failed', Cancelled: 'cancelled' } as const;
export type RunOutcome = (typeof RunOutcome)[keyof typeof RunOutcome];

/** What one run did, carried by its terminal event. */
export interface RunSummary {
  /** When the worker began the run (ISO-8601), for durations; null when it never began. */
  startedAt: string | null;
  /** Upstream tags that matched the patterns. */
  tagsMatched: string[];
  tagsCopied: number;
  tagsUnchanged: number;
  tagsDeleted: number;
  tagsFailed: number;
  bytesCopied: number;
  /**
   * Every tag was checked on the target too, none taken on the word of the previous run's
   * results: a full check, which finds and repairs drift. Absent on runs recorded before it existed.
   */
  targetChecked?: boolean;
  /**
   * Upstream tags this run's listing showed for the first time (tag → when), and tags Ferry had
   * seen that the listing no longer holds: the mirror's record of when it first saw each tag
   * (for keep-newest by first-seen and tag history). Absent when the listing was not complete.
   */
  tagsSeen?: { first: Record<string, string>; gone: string[] };
  /** Set when the run would have deleted more tags than the mirror's cap allows (and deleted none). */
  deletionRefused?: { wouldDelete: number; allowed: number };
}

export interface RunError {
  /** Stable code, e.g. an OCI error code (`MANIFEST_UNKNOWN`) or Ferry's own (`UPSTREAM_UNREACHABLE`). */
  code: string;
  message: string;
}

export const NotificationEvent = {
  Started: 'repo_mirror_sync_started',
  Succeeded: 'repo_mirror_sync_success',
  Failed: 'repo_mirror_sync_failed',
} as const;
export type NotificationEvent = (typeof NotificationEvent)[keyof typeof NotificationEvent];

/**
 * How a rule delivers; `quay_notification` is Quay's name for the in-app list of a user, and
 * `msteams` (Microsoft Teams) is Ferry's own.
 */
export const NotificationMethod = { Webhook: 'webhook', Slack: 'slack', Email: 'email', InApp: 'quay_notification', Teams: 'msteams' } as const;
export type NotificationMethod = (typeof NotificationMethod)[keyof typeof NotificationMethod];
