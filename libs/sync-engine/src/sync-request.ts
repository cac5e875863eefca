import type { BackoffPolicy } from '@ferry/backoff';
import type { TagDeletion, TagRule, TagVerification, TrustPolicy } from '@ferry/contracts';
import type { DispatcherPool, ManifestLimits, ProxySettings, RegistryExchange, SharedRateLimit } from '@ferry/registry-client';
import type { BlobCopyRecord } from './blob-copier';
import type { TargetLedger } from './target-ledger';

/** What one sync run is asked to do. The sync-worker builds it from a mirror's configuration. */
export interface SyncRequest {
  upstream: {
    /** `host[:port]/path`, no scheme. */
    reference: string;
    username?: string;
    password?: string;
    /** false also allows plain http to the upstream, as skopeo's `--src-tls-verify=false` does. */
    verifyTls: boolean;
    proxy?: ProxySettings;
    /** PEM bundle of extra CAs to trust for the upstream. */
    caBundle?: string;
  };
  target: {
    /** e.g. `http://127.0.0.1:5000`. */
    registryUrl: string;
    /** `ns/repo`. */
    repository: string;
    username?: string;
    password?: string;
    verifyTls?: boolean;
    proxy?: ProxySettings;
    caBundle?: string;
  };
  /** Which upstream tags are copied (and which target tags stay). */
  tagRule: TagRule;
  /**
   * A targeted run (an upstream's push): of the tags the rule selects, only these are copied, and
   * no target tag is removed, since the run does not look at the others.
   */
  onlyTags?: readonly string[];
  /** e.g. `["amd64", "arm64", "arm/v7", "linux/arm64/v8"]`; empty or absent copies every platform. */
  architectureFilter?: string[];
  /**
   * With an architecture filter: `rewrite` (default) pushes an index holding only the copied
   * children (a new digest); `sparse` pushes the upstream index unchanged (same digest), which
   * registries that check index children (docker-registry 2.8 does) refuse.
   */
  indexMode?: IndexMode;
  /** Per registry operation. */
  timeoutSeconds: number;
  /** Upstream hosts allowed even though loopback/private. */
  ssrfAllowedHosts: string[];
  /** Cancel: aborts in-flight copies promptly; no deletions after a cancel. */
  signal?: AbortSignal;
  /** Connections kept across runs (a worker's); without, the run opens its own and closes them at its end. */
  dispatchers?: DispatcherPool;
  /** Called as each tag's copy begins (for per-tag spans and progress). */
  onTagStart?: (tag: string) => void;
  /**
   * Runs each tag's work, its companion tags' inside it: a caller may wrap it, e.g. in a span
   * that is active while the tag's blobs and requests are reported (`onBlob`, `onExchange`).
   */
  aroundTag?: <T>(tag: string, work: () => Promise<T>) => Promise<T>;
  /** Called as each blob's copy ends: skipped, mounted, uploaded or failed, its bytes and retries. */
  onBlob?: (record: BlobCopyRecord) => void;
  /** Called as each registry request ends, with its status and timing. */
  onExchange?: (side: 'upstream' | 'target', exchange: RegistryExchange) => void;
  /** Called as each tag finishes (awaited, one at a time). */
  onTagResult?: (r: TagResult) => Promise<void> | void;
  /**
   * Called once, after the listings and before anything is written, with the blob bytes the run
   * would add to the target repository (what a preview counts: each blob the target lacks, once);
   * a throw fails the run with nothing written (a quota's hard limit). Absent: no such reading.
   */
  beforeWrite?: (plan: { bytes: number }) => Promise<void>;

  /** Tags copied at once (default 16, chosen from the benchmark). */
  tagConcurrency?: number;
  /** Blob copies at once, biggest first (default 16, chosen from the benchmark). */
  blobConcurrency?: number;
  /** Connections, hence concurrent requests, per registry host (default 16). */
  connectionsPerHost?: number;
  retry?: BackoffPolicy;
  limits?: Partial<ManifestLimits>;
  /** Copy cosign-style `sha256-<digest>.sig|.att|.sbom` tags with each image (default true). */
  copySignatures?: boolean;
  /** Copy OCI referrers (referrers API, or the `sha256-<digest>` fallback tag) (default true). */
  copyReferrers?: boolean;
  /** Quay's `unsigned_images`: false refuses a tag whose image carries no signature (default true). */
  unsignedImages?: boolean;
  /**
   * Verify each tag's image against this policy before its tag is written on the target (its
   * blobs may land first); a tag that fails is not published (or kept under its digest only, with
   * `quarantine`). Absent: no verification.
   */
  trustPolicy?: TrustPolicy | null;
  /** On a failed run, put the target's tags back as they were before it (default false: best-effort). */
  rollback?: boolean;
  /**
   * Whether target tags that are not (or no longer) selected are deleted, and at most how many
   * (default: deleted, no cap, as Quay does). A run over the cap deletes nothing and says so in
   * `SyncReport.deletionRefused`.
   */
  tagDeletion?: TagDeletion;
  /** When Ferry first saw each upstream tag (a mirror's record), for keep-newest by first-seen; tags it lacks are seen now. */
  tagsFirstSeen?: Readonly<Record<string, string>>;
  /** When a tag this run sees for the first time counts as seen (ISO-8601; default: when the run lists the tags). */
  seenAt?: string;
  /** A record of what Ferry wrote, so an unchanged tag costs one upstream HEAD. */
  ledger?: TargetLedger;
  /** Ignore the ledger's claims and check the target too (the periodic drift check). */
  verifyTarget?: boolean;
  /** Other repositories of the target registry to try a cross-repository mount from. */
  mountFrom?: string[];
  /** Blobs larger than this go up in chunks (default 256 MiB). */
  chunkedUploadThresholdBytes?: number;
  /** Chunk size of a chunked upload (default 128 MiB; each chunk is streamed, not held in memory). */
  chunkSizeBytes?: number;
  /**
   * Once the upstream reports `RateLimit-Remaining: 0` (Docker Hub), manifest GETs go one at a
   * time, each after this pause, until it reports budget again (default 60).
   */
  rateLimitPauseSeconds?: number;
  /** The upstream pull budget shared with other runs on the same registry account (every sync-worker's). */
  upstreamRateLimit?: SharedRateLimit;
  /** Called for every HTTP request (counting, debugging). */
  onRequest?: (side: 'upstream' | 'target', method: string, url: string) => void;
  /** Called as blob bytes move, as the bytes known to be copied grow, and as tags end, for progress displays. */
  onProgress?: (p: SyncProgress) => void;
}

/** `rewrite` or `sparse`: see {@link SyncRequest.indexMode}. */
export type IndexMode = 'rewrite' | 'sparse';

/** Byte and tag counters of a run so far. */
export interface SyncProgress {
  tagsDone: number;
  tagsTotal: number;
  bytesCopied: number;
  /**
   * The bytes the run knows it must copy: the blobs of the manifests it has read, less those the
   * target turned out to hold. It grows as manifests are read; `bytesCopied` never passes it.
   */
  bytesTotal: number;
}

/** The outcome of one tag. */
export type TagResult =
  | {
      kind: 'synced';
      tag: string;
      /** The target's digest for the tag (differs from `sourceDigest` when a platform filter rewrote an index). */
      digest: string;
      /** The upstream's digest the tag was copied from. */
      sourceDigest: string;
      /** How it was copied (see `copyProfile`): what a ledger entry for the tag must match. */
      copyProfile: string;
      mediaType: string;
      bytesCopied: number;
      unchanged: boolean;
      /** When Ferry first saw the tag upstream, given a record (`SyncRequest.tagsFirstSeen`). */
      firstSeenAt?: string;
      /** The check against `SyncRequest.trustPolicy` it passed before it was published. */
      verification?: TagVerification;
    }
  /** `retryable`: whether a later run may copy it (from the engine's error; false for a refusal such as UNSIGNED_IMAGE). */
  | { kind: 'failed'; tag: string; error: { code: string; message: string }; retryable: boolean; verification?: TagVerification }
  | { kind: 'deleted'; tag: string; digest: string | null }
  /** Put back by a rollback: what the tag holds again, or null when the run had created it. */
  | { kind: 'rolled-back'; tag: string; digest: string | null; mediaType: string | null };

/** What a run did. */
export interface SyncReport {
  /** Upstream tags that matched the patterns. */
  tagsMatched: string[];
  /** The upstream's whole listing (empty when it was not read). */
  upstreamTags: string[];
  results: TagResult[];
  /** The upstream listing was read to its last page. */
  listingComplete: boolean;
  bytesCopied: number;
  cancelled: boolean;
  /** Which index mode was used, recorded when an architecture filter applied. */
  indexMode: IndexMode | null;
  /** Tags put back by a rollback after a failed run. */
  rolledBack: string[];
  /** Requests sent to each side. */
  requests: { upstream: number; target: number };
  /** Pauses made because the upstream's rate-limit budget was spent (`RateLimit-Remaining: 0`). */
  rateLimitWaits?: number;
  /**
   * Tags found unchanged on the ledger's word, without asking the target. 0 means every synced
   * tag was checked on the target too (a full check, which repairs drift).
   */
  tagsTrustedFromLedger: number;
  /** The removal would have deleted more tags than the cap allows, so it deleted none. */
  deletionRefused: { wouldDelete: number; allowed: number } | null;
}
