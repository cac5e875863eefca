/**
 * A mirror's trust policy for `signature_policy: verify`: whose signatures a tag's image must carry
 * before the tag is published on the target. Public keys and the trusted root are public material,
 * so they are kept in the event as they are.
 */
export interface TrustPolicy {
  /** A short hash of the policy's content: a tag's result names the policy it was checked against, and a change re-verifies. */
  version: string;
  /** cosign public keys (PEM): ECDSA P-256, Ed25519 or RSA. */
  keys: TrustedKey[];
  /** Keyless signers: a certificate from the trusted root's authorities, for this issuer and subject. */
  identities: TrustedIdentity[];
  /** Sigstore `trusted_root.json` (as text): the certificate authorities (and logs) keyless signatures chain to; null without identities. */
  trustedRoot: string | null;
  /** How many different trusted signers must have signed (default 1: any one). */
  minSignatures: number;
  /** For an index: each platform's manifest must be signed too, not only the index (what `cosign sign` signs). */
  requirePlatformSignatures: boolean;
  /** A tag that fails is kept under a digest-only reference on the target, for inspection, instead of not at all. */
  quarantine: boolean;
  /** A tag already on the target that no longer passes (after a policy change) is removed from it; otherwise only reported. */
  unpublishFailing: boolean;
}

export type KeyAlgorithm = 'ecdsa-p256' | 'ed25519' | 'rsa';

export interface TrustedKey {
  /** A name for results and logs (default: the fingerprint). */
  name: string;
  pem: string;
  algorithm: KeyAlgorithm;
  /** `sha256:<hex>` of the key's DER SubjectPublicKeyInfo. */
  fingerprint: string;
}

/** A certificate identity: the OIDC issuer and the subject (email, URI), each exact or a regular expression. */
export interface TrustedIdentity {
  issuer?: string;
  issuerRegExp?: string;
  subject?: string;
  subjectRegExp?: string;
}

/** The failures of a verification, as a tag's result names them. */
export const VerificationFailure = {
  Missing: 'SIGNATURE_MISSING',
  Invalid: 'SIGNATURE_INVALID',
  NotTrusted: 'SIGNER_NOT_TRUSTED',
} as const;
export type VerificationFailure = (typeof VerificationFailure)[keyof typeof VerificationFailure];

/** Who signed: a key (its fingerprint and name) or a certificate identity (subject and issuer). */
export type Signer = { kind: 'key'; fingerprint: string; name: string } | { kind: 'identity'; subject: string; issuer: string };

/** One tag's check against its mirror's policy, as MirrorTagSynced records it. */
export interface TagVerification {
  /** `verified`, or why not (the tag was then quarantined, or failed). */
  outcome: 'verified' | VerificationFailure;
  policyVersion: string;
  /** The digest the policy was checked on (the upstream's: what was signed). */
  digest: string;
  /** The trusted signers that matched (at least `minSignatures` when verified). */
  signers: Signer[];
  /** Digest of each signature that matched (a `.sig` manifest's layer, or a bundle's manifest). */
  signatureDigests: string[];
  /** The transparency-log entries of matching signatures, when they carry one. */
  tlogEntries: Array<{ logIndex: string; logId: string }>;
  /** What was tried and why it failed, for a failed outcome. */
  detail?: string;
  /** The tag failed and was kept under its digest only (`quarantine: true`). */
  quarantined?: boolean;
}
