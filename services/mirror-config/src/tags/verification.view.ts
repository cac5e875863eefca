import type { TagVerification } from '@ferry/contracts';
import type { TagVerificationView } from '@ferry/api-schema';

/** A tag's trust-policy check in the API's (snake_case) shape. */
export function verificationView(v: TagVerification): TagVerificationView {
  return {
    outcome: v.outcome,
    policy_version: v.policyVersion,
    digest: v.digest,
    signers: v.signers,
    signature_digests: v.signatureDigests,
    tlog_entries: v.tlogEntries.map((e) => ({ log_index: e.logIndex, log_id: e.logId })),
    detail: v.detail ?? null,
    quarantined: v.quarantined ?? false,
  };
}
