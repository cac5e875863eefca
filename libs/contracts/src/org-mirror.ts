import type { Visibility } from './identity';
import type { EncryptedSecret, ExternalRegistryConfig, SignaturePolicy } from './mirror-config';
import type { TrustPolicy } from './trust-policy';
import type { DeleteCap, TagDeletion } from './tag-deletion';
import type { TagRule } from './tag-rule';

/**
 * Where an organization mirror lists the upstream's repositories. Quay knows `quay` and `harbor`;
 * Ferry adds the distribution `_catalog` (any OCI registry that serves it) and Docker Hub's
 * namespace listing.
 */
export const SourceRegistryType = { Quay: 'quay', Harbor: 'harbor', Distribution: 'distribution', DockerHub: 'dockerhub' } as const;
export type SourceRegistryType = (typeof SourceRegistryType)[keyof typeof SourceRegistryType];

/**
 * One pattern an organization mirror matches discovered repositories with, against the path
 * relative to the upstream namespace (`app`, `team/app`), case-sensitively:
 * - `glob`: fnmatch-style, as Quay's `repository_filters`: `*` any run of characters, `/`
 *   included (Quay runs Python's fnmatch over `team/app`); `?` one character; `[seq]`, `[!seq]`
 *   one of (or none of) a set. Unlike fnmatch, `?` and sets never match `/`.
 * - `regex`: a JavaScript regular expression that must match the whole path; refused if it could
 *   backtrack catastrophically (the tag rules' check).
 */
export type RepositoryPattern = { kind: 'glob'; pattern: string } | { kind: 'regex'; pattern: string };

/**
 * What happens to a mirrored repository whose upstream no longer lists it: `keep` mirrors it on
 * (its runs say what they find), `report` marks it `SKIP` and stops its runs (Quay's behaviour),
 * `delete` removes its mirror, its repository and its images from the target, at most `maxDelete`
 * per discovery (a discovery that would delete more deletes none and fails). Nothing is ever
 * decided on an incomplete listing.
 */
export const VanishedAction = { Keep: 'keep', Report: 'report', Delete: 'delete' } as const;
export type VanishedAction = (typeof VanishedAction)[keyof typeof VanishedAction];
export interface VanishedPolicy {
  action: VanishedAction;
  /** A count, or a percentage of the organization mirror's repositories before the discovery. Null: no cap. */
  maxDelete: DeleteCap | null;
}

/** Quay's behaviour for a repository gone upstream: mark it, keep it. */
export const QUAY_VANISHED_POLICY: VanishedPolicy = { action: VanishedAction.Report, maxDelete: null };

/** An organization mirror's settings, in Ferry's own names; the API maps Quay's onto these. */
export interface OrgMirrorConfig {
  /** The Ferry organization the repositories are mirrored into. */
  organization: string;
  isEnabled: boolean;
  externalRegistryType: SourceRegistryType;
  /** `scheme://host[:port]` as given (Quay's `external_registry_url`). */
  externalRegistryUrl: string;
  /**
   * Where the repositories are listed, when not at `externalRegistryUrl`: another Ferry's API
   * (whose registry is on another address). Absent or null: the registry URL itself.
   */
  externalListingUrl?: string | null;
  /** The upstream namespace, project or organization whose repositories are listed ('' = the whole registry, `_catalog` only). */
  externalNamespace: string;
  externalRegistryUsername: string | null;
  externalRegistryPassword: EncryptedSecret | null;
  /** The organization's robot that creates and pushes every discovered repository. */
  robotUsername: string;
  /** The visibility each discovered repository is created with. */
  visibility: Visibility;
  syncInterval: number;
  syncStartDate: string;
  externalRegistryConfig: ExternalRegistryConfig;
  /** Quay's `repository_filters`: globs over repository names; empty = every repository. */
  repositoryFilters: string[];
  /** Ferry's patterns beside Quay's: a repository is mirrored when it matches an include (or there is none) and no exclude. */
  include: RepositoryPattern[];
  exclude: RepositoryPattern[];
  /** The target repository's path, `{namespace}/{flat_repository}` by default (libs/mirror repository-name-template.ts has the tokens). */
  repositoryNameTemplate: string;
  /** Which tags each discovered repository mirrors, as a repository mirror's `tag_rule`. */
  tagRule: TagRule;
  architectureFilter: string[];
  /** Seconds one registry operation may take (Quay's `skopeo_timeout`). */
  skopeoTimeout: number;
  vanished: VanishedPolicy;
  signaturePolicy?: SignaturePolicy;
  /** With `signaturePolicy: verify`: whose signatures count; each discovered repository's mirror follows it. */
  trustPolicy?: TrustPolicy;
  tagDeletion?: TagDeletion;
}

/** How one discovery went: what the listing held, and what it did about it. */
export interface DiscoverySummary {
  /** When the worker began (ISO-8601); null when it never began. */
  startedAt: string | null;
  /** Pages read and repository names the listing showed, before filtering. */
  pages: number;
  listed: number;
  /** Repositories the filters selected. */
  matched: number;
  /** Target repositories made for newly found upstream repositories. */
  added: string[];
  /** Target repositories whose upstream is gone, and what was done about them. */
  vanished: string[];
  deleted: string[];
  /** Repositories that could not be set up, each with why. */
  failed: { repository: string; message: string }[];
  /** Set when more repositories vanished than the cap allows deleting (none were deleted). */
  deletionRefused?: { wouldDelete: number; allowed: number };
}

/** One discovered repository as the organization mirror knows it. */
export interface OrgMirrorRepository {
  /** The target repository under the organization. */
  repository: string;
  /** Its name upstream, relative to the external namespace. */
  upstream: string;
  /** When a discovery first found it. */
  discoveredAt: string;
  /** When a complete listing no longer showed it (null while it is there). */
  vanishedAt: string | null;
}


