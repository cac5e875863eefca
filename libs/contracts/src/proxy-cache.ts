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
