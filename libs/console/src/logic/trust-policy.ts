import type { Mirror, TagVerification } from '../types';

/**
 * The mirror form's Signatures group as typed, the `signature_policy` / `trust_policy` it becomes,
 * and a tag's check in words: pure, so what the form sends and what the Tags tab says are tested
 * on their own.
 */
export type SignaturePolicyChoice = 'accept' | 'require-signature' | 'verify';

export interface KeyDraft {
  name: string;
  pem: string;
}

export interface IdentityDraft {
  issuer: string;
  subject: string;
  /** Issuer and subject are regular expressions (cosign's `--certificate-identity-regexp`). */
  regexp: boolean;
}

export interface TrustDraft {
  policy: SignaturePolicyChoice;
  keys: KeyDraft[];
  identities: IdentityDraft[];
  trustedRoot: string;
  minSignatures: string;
  requirePlatformSignatures: boolean;
  quarantine: boolean;
  unpublishFailing: boolean;
}

type TrustView = NonNullable<Mirror['trust_policy']>;

export function trustDraftOf(mirror: Pick<Mirror, 'signature_policy' | 'trust_policy'> | null): TrustDraft {
  const policy = mirror?.signature_policy;
  const view: TrustView | null | undefined = mirror?.trust_policy;
  return {
    policy: policy === 'verify' ? 'verify' : policy === 'require' || policy === 'require-signature' ? 'require-signature' : 'accept',
    keys: view?.keys.map((k) => ({ name: k.name, pem: k.pem })) ?? [],
    identities:
      view?.identities.map((i) => ({
        issuer: i.issuer ?? i.issuer_regexp ?? '',
        subject: i.subject ?? i.subject_regexp ?? '',
        regexp: i.issuer_regexp !== undefined || i.subject_regexp !== undefined,
      })) ?? [],
    trustedRoot: view?.trusted_root ?? '',
    minSignatures: String(view?.min_signatures ?? 1),
    requirePlatformSignatures: view?.require_platform_signatures ?? false,
    quarantine: view?.quarantine ?? false,
    unpublishFailing: view?.unpublish_failing ?? false,
  };
}

/** A whole number as typed, or the text itself so that the API names what is wrong with it. */
function countOrText(value: string): number | string {
  return /^\s*\d+\s*$/.test(value) ? Number(value) : value;
}

/**
 * Ferry's two fields as the API reads them. Under accept and require-signature the policy is
 * cleared (null); under verify, rows left empty are dropped (an empty key row is not a key).
 */
export function trustBodyOf(draft: TrustDraft): { signature_policy: SignaturePolicyChoice; trust_policy: Record<string, unknown> | null } {
  if (draft.policy !== 'verify') return { signature_policy: draft.policy, trust_policy: null };
  const keys = draft.keys
    .filter((k) => k.pem.trim() !== '')
    .map((k) => (k.name.trim() ? { name: k.name.trim(), pem: k.pem.trim() } : { pem: k.pem.trim() }));
  const identities = draft.identities
    .filter((i) => i.issuer.trim() !== '' || i.subject.trim() !== '')
    .map((i) => (i.regexp ? { issuer_regexp: i.issuer.trim(), subject_regexp: i.subject.trim() } : { issuer: i.issuer.trim(), subject: i.subject.trim() }));
  return {
    signature_policy: 'verify',
    trust_policy: {
      keys,
      identities,
      trusted_root: draft.trustedRoot.trim() === '' ? null : draft.trustedRoot.trim(),
      min_signatures: countOrText(draft.minSignatures),
      require_platform_signatures: draft.requirePlatformSignatures,
      quarantine: draft.quarantine,
      unpublish_failing: draft.unpublishFailing,
    },
  };
}

type Verification = TagVerification;

const REFUSED: Record<string, string> = {
  SIGNATURE_MISSING: 'Refused: the image carries no signature',
  SIGNATURE_INVALID: 'Refused: a signature does not match this image',
  SIGNER_NOT_TRUSTED: 'Refused: not signed by a trusted key or identity',
};

/** Who a signer is, in a few words: the key's name, or the certificate's subject and issuer. */
export function signerWords(signer: Verification['signers'][number]): string {
  return signer.kind === 'key' ? `key ${signer.name || signer.fingerprint}` : `${signer.subject} (issued by ${signer.issuer})`;
}

/**
 * A tag's trust-policy check as one line (who signed it, or why it was refused) and the details
 * behind it (fingerprints, signature digests, the transparency log, quarantine, the policy version).
 */
export function verificationWords(v: Verification | null | undefined): { summary: string; ok: boolean | null; details: string[] } {
  if (!v) return { summary: 'Not checked (the mirror does not verify signatures)', ok: null, details: [] };
  const ok = v.outcome === 'verified';
  const summary = ok ? `Signed by ${v.signers.map(signerWords).join(' and ')}` : `${REFUSED[v.outcome] ?? `Refused (${v.outcome})`}${v.quarantined ? '; kept under its digest for inspection' : ''}`;
  const details = [
    ...(v.detail ? [`Why: ${v.detail}`] : []),
    ...v.signers.map((s) => (s.kind === 'key' ? `Key ${s.name || 'without a name'}: ${s.fingerprint}` : `Keyless: ${s.subject}, issuer ${s.issuer}`)),
    `Image checked: ${v.digest}`,
    ...v.signature_digests.map((d) => `Signature: ${d}`),
    ...v.tlog_entries.map((e) => `Transparency log entry ${e.log_index} (log ${e.log_id})`),
    ...(v.quarantined ? [`Quarantined: copied under its digest only, with no tag`] : []),
    `Policy version: ${v.policy_version}`,
  ];
  return { summary, ok, details };
}

/**
 * The API's field errors still true after an edit of the Signatures group: those of a key,
 * identity or field the user changed go (the field no longer holds what was refused); a removed or
 * added row shifts the indices, so all of that list's go.
 */
export function errorsAfterTrustEdit(before: TrustDraft, after: TrustDraft, errors: Record<string, string>): Record<string, string> {
  const stale: string[] = [];
  const rows = (list: 'keys' | 'identities') => {
    if (before[list].length !== after[list].length) return stale.push(`trust_policy.${list}`);
    before[list].forEach((row, i) => {
      if (JSON.stringify(row) !== JSON.stringify(after[list][i])) stale.push(`trust_policy.${list}[${i}]`);
    });
  };
  rows('keys');
  rows('identities');
  if (before.trustedRoot !== after.trustedRoot) stale.push('trust_policy.trusted_root');
  if (before.minSignatures !== after.minSignatures) stale.push('trust_policy.min_signatures');
  if (before.policy !== after.policy) stale.push('signature_policy', 'trust_policy');
  const isStale = (field: string) => stale.some((s) => field === s || field.startsWith(`${s}.`) || field.startsWith(`${s}[`) || (s === 'trust_policy' && field === s));
  return Object.fromEntries(Object.entries(errors).filter(([field]) => !isStale(field)));
}

/** A mirror's signature policy in a few words, for a status card. */
export function signaturePolicyWords(mirror: Pick<Mirror, 'signature_policy' | 'trust_policy'>): string {
  const draft = trustDraftOf(mirror);
  if (draft.policy === 'accept') return 'Any image, signed or not';
  if (draft.policy === 'require-signature') return 'Only signed images (any signature)';
  const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  const signers = [draft.keys.length ? count(draft.keys.length, 'key') : '', draft.identities.length ? count(draft.identities.length, 'keyless identity').replace('identitys', 'identities') : ''].filter(Boolean).join(' and ');
  return `Verified against ${signers || 'no signer'}${draft.minSignatures !== '1' ? ` (${draft.minSignatures} signers needed)` : ''}${draft.quarantine ? '; refused images quarantined' : ''}`;
}

/** What a tag of cosign's scheme (`sha256-<hex>.sig`, `.att`, `.sbom`) holds, in words; null for any other tag. */
export function cosignTagWords(tag: string): string | null {
  const match = /^sha256-([0-9a-f]{64})\.(sig|att|sbom)$/.exec(tag);
  if (!match) return null;
  const what = { sig: 'The signatures', att: 'The attestations', sbom: 'The software bill of materials' }[match[2] as 'sig' | 'att' | 'sbom'];
  return `${what} of the image sha256:${match[1].slice(0, 12)}, copied with it`;
}
