import type { EncryptedSecret } from './mirror-config';

/**
 * A proxy-cache organization's settings (Quay's `ProxyCacheConfig`): its repositories are pulled
 * through from `upstreamRegistry` (`host[:port][/namespace]`, Quay's form: `quay.io/projectquay`)
 * on a miss and served from the target afterwards.
 */
export interface ProxyCacheConfig {
  upstreamRegistry: string;
  upstreamRegistryUsername: string | null;
  /** Sealed with the secret box, as a mirror's upstream password. */
  upstreamRegistryPassword: EncryptedSecret | null;
  /** How long a manifest pulled by tag is served before the upstream is asked again (Quay's `expiration_s`). */
  expirationS: number;
  /** Plain HTTP, or HTTPS without verifying the certificate (Quay's `insecure`). */
  insecure: boolean;
  /**
   * Ferry's: how long past its expiry a cached manifest is still served when the upstream fails
   * (5xx, 429, timeout, refused, tag gone); beyond it the failure is the client's answer.
   */
  staleBoundS: number;
  /**
   * Ferry's: a repository pulled at least `minPulls` times in `days` days (registry tokens granting
   * it `pull`) becomes a scheduled mirror of its upstream, written by `robotUsername`, of the tags
   * pulled through the cache (the newest `keepNewest` by version, when set). Absent: by hand only.
   */
  promotion?: ProxyCachePromotionRule | null;
  /**
   * Ferry's: the most bytes the organization's cached content may take in the target (manifests
   * and the blobs they name, each counted once per repository). Past it the front evicts what
   * was pulled least recently. Absent or null: no limit.
   */
  sizeLimitBytes?: number | null;
}

export interface ProxyCachePromotionRule {
  minPulls: number;
  days: number;
  robotUsername: string;
  keepNewest: number | null;
}

/** Why the front served a cached manifest past its expiry instead of the upstream's answer. */
export const StaleReason = {
  ServerError: 'upstream-5xx',
  TooManyRequests: 'upstream-429',
  Timeout: 'upstream-timeout',
  Unreachable: 'upstream-unreachable',
  TagDeleted: 'upstream-tag-deleted',
} as const;
export type StaleReason = (typeof StaleReason)[keyof typeof StaleReason];
