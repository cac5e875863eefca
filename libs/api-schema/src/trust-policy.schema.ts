import { z } from 'zod';

/** A mirror's trust policy (`signature_policy: verify`), as the API shows it: public material only. */
export const TRUST_POLICY_VIEW = z
  .object({
    version: z.string().meta({ description: 'A hash of the policy: each tag\'s verification names the version it was checked against; a change re-verifies.' }),
    keys: z.array(z.object({ name: z.string(), pem: z.string(), algorithm: z.enum(['ecdsa-p256', 'ed25519', 'rsa']), fingerprint: z.string() })),
    identities: z.array(z.object({ issuer: z.string().optional(), issuer_regexp: z.string().optional(), subject: z.string().optional(), subject_regexp: z.string().optional() })),
    trusted_root: z.string().nullable().meta({ description: 'The Sigstore trusted_root.json keyless signatures chain to.' }),
    min_signatures: z.number().int(),
    require_platform_signatures: z.boolean(),
    quarantine: z.boolean(),
    unpublish_failing: z.boolean(),
  })
  .meta({ description: "A mirror's trust policy (signature_policy verify)." });

/** One tag's check against its mirror's trust policy. */
export const TAG_VERIFICATION_VIEW = z
  .object({
    outcome: z.enum(['verified', 'SIGNATURE_MISSING', 'SIGNATURE_INVALID', 'SIGNER_NOT_TRUSTED']),
    policy_version: z.string(),
    digest: z.string().meta({ description: 'The digest that was checked (the upstream\'s: what was signed).' }),
    signers: z.array(
      z.union([
        z.object({ kind: z.literal('key'), fingerprint: z.string(), name: z.string() }),
        z.object({ kind: z.literal('identity'), subject: z.string(), issuer: z.string() }),
      ]),
    ),
    signature_digests: z.array(z.string()),
    tlog_entries: z.array(z.object({ log_index: z.string(), log_id: z.string() })),
    detail: z.string().nullable(),
    quarantined: z.boolean(),
  })
  .meta({ description: "A tag's check against its mirror's trust policy." });
export type TagVerificationView = z.output<typeof TAG_VERIFICATION_VIEW>;
