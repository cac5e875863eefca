import { z } from 'zod';
import { SignaturePolicy, type TrustPolicy } from '@ferry/contracts';
import type { FieldProblem } from '@ferry/mirror';
import { parseTrustPolicy } from '@ferry/trust-policy';

const BOOLEAN = z.boolean({ error: 'must be true or false' });

/** Ferry's `signature_policy` of a repository or organization mirror. */
export const SIGNATURE_POLICY_BODY = z
  .enum([SignaturePolicy.Accept, SignaturePolicy.Require, SignaturePolicy.RequireSignature, SignaturePolicy.Verify], { error: 'must be "accept", "require" (or "require-signature") or "verify"' })
  .optional();

/**
 * Ferry's trust policy (with `signature_policy: verify`): its shape here, and what only the
 * policy's parser can say (a key that is not one, an algorithm cosign does not sign with, a
 * regular expression that does not compile, a trusted root that cannot be read) after it.
 */
export const TRUST_POLICY_BODY = z
  .object(
    {
      keys: z.array(z.object({ name: z.string({ error: 'must be a string' }).optional(), pem: z.string({ error: 'must be a PEM public key' }) }, { error: 'must be an object with pem' }), { error: 'must be a list' }).optional(),
      identities: z
        .array(
          z.object(
            {
              issuer: z.string({ error: 'must be a string' }).optional(),
              issuer_regexp: z.string({ error: 'must be a string' }).optional(),
              subject: z.string({ error: 'must be a string' }).optional(),
              subject_regexp: z.string({ error: 'must be a string' }).optional(),
            },
            { error: 'must be an object' },
          ),
          { error: 'must be a list' },
        )
        .optional(),
      trusted_root: z.union([z.string(), z.record(z.string(), z.unknown())], { error: 'must be a trusted_root.json (text or object)' }).nullable().optional(),
      min_signatures: z.number({ error: 'must be a whole number of at least 1' }).optional(),
      require_platform_signatures: BOOLEAN.optional(),
      quarantine: BOOLEAN.optional(),
      unpublish_failing: BOOLEAN.optional(),
    },
    { error: 'must be an object' },
  )
  .nullable()
  .optional()
  .meta({
    description:
      "Ferry's: with signature_policy verify, whose signatures a tag's image needs before the tag is published: cosign public keys (PEM: ECDSA P-256, Ed25519, RSA), keyless identities (issuer and subject, exact or *_regexp) checked against trusted_root (Sigstore's trusted_root.json), min_signatures different signers (default 1), require_platform_signatures (an index's platforms too), quarantine (keep a refused image under its digest only), unpublish_failing (remove a tag that no longer passes). null clears it.",
  });


/**
 * The trust policy a body leaves a mirror with: the one sent (checked by `@ferry/trust-policy`,
 * each problem named under `trust_policy.`), or the stored one when none is sent, or none after
 * `null`; `verify` without one is a problem.
 */
export function trustPolicyChange(
  signaturePolicy: SignaturePolicy | undefined,
  sent: z.output<typeof TRUST_POLICY_BODY>,
  base: { signaturePolicy: SignaturePolicy; trustPolicy: TrustPolicy | undefined } | null,
  fieldFine: boolean,
): { trustPolicy: TrustPolicy | undefined; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  let trustPolicy = base?.trustPolicy;
  if (sent === null) trustPolicy = undefined;
  else if (sent !== undefined) {
    const checked = parseTrustPolicy(sent);
    if (checked.ok) trustPolicy = checked.policy;
    else problems.push(...checked.problems.map((p) => ({ field: `trust_policy.${p.field}`, message: p.message })));
  }
  const wanted = signaturePolicy ?? base?.signaturePolicy ?? SignaturePolicy.Accept;
  if (wanted === SignaturePolicy.Verify && trustPolicy === undefined && problems.length === 0 && fieldFine) {
    problems.push({ field: 'trust_policy', message: 'is required with signature_policy "verify": the keys or identities to verify with' });
  }
  return { trustPolicy, problems };
}
