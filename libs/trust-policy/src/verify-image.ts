import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { VerificationFailure, type Signer, type TagVerification, type TrustPolicy, type TrustedIdentity } from '@ferry/contracts';
import { loadTrustRoot, verifyBundle, verifyCertificateSigner, verifyRekorRecordedLayer, type TrustRoot } from './sigstore-material';
import { COSIGN_SIGNATURE_TYPE, type CosignSignatureLayer, type SignatureReader } from './signatures';

/** The result of one signature: a trusted signer, or why it does not count. */
export type SignatureCheck =
  | { ok: true; signer: Signer; signatureDigest: string; tlogEntry?: { logIndex: string; logId: string } }
  | { ok: false; failure: typeof VerificationFailure.Invalid | typeof VerificationFailure.NotTrusted; signatureDigest: string; detail: string };

/** A policy made ready to verify: its keys parsed, its trusted root read (once per policy, not per tag). */
export class TrustVerifier {
  private readonly keys: Array<{ key: KeyObject; name: string; fingerprint: string }>;
  private readonly root: TrustRoot | null;

  constructor(readonly policy: TrustPolicy) {
    this.keys = policy.keys.map((k) => ({ key: createPublicKey(k.pem), name: k.name, fingerprint: k.fingerprint }));
    this.root = policy.trustedRoot ? loadTrustRoot(policy.trustedRoot) : null;
  }

  /**
   * Checks `digest` (and, when the policy asks, each platform manifest in `children`) against the
   * policy: `verified` when at least `minSignatures` different trusted signers signed it.
   */
  async verify(digest: string, reader: SignatureReader, children: readonly string[] = []): Promise<TagVerification> {
    const top = await this.verifyDigest(digest, reader);
    if (top.outcome !== 'verified' || !this.policy.requirePlatformSignatures) return top;
    for (const child of children) {
      const result = await this.verifyDigest(child, reader);
      if (result.outcome !== 'verified') return { ...result, digest, detail: `platform manifest ${child}: ${result.detail ?? result.outcome}` };
    }
    return top;
  }

  private async verifyDigest(digest: string, reader: SignatureReader): Promise<TagVerification> {
    const found = await reader.read(digest);
    const base = { policyVersion: this.policy.version, digest };
    if (found.layers.length === 0 && found.bundles.length === 0) {
      return { ...base, outcome: VerificationFailure.Missing, signers: [], signatureDigests: [], tlogEntries: [], detail: `no cosign signature (.sig tag) and no Sigstore bundle referrer for ${digest}` };
    }
    const checks: SignatureCheck[] = [
      ...found.layers.map((layer) => this.checkLayer(digest, layer)),
      ...found.bundles.map((b) => verifyBundle(digest, b, this.keys, this.root, (signer) => this.trusts(signer))),
    ];
    const matched = new Map<string, Extract<SignatureCheck, { ok: true }>>();
    for (const c of checks) if (c.ok && !matched.has(signerKey(c.signer))) matched.set(signerKey(c.signer), c);
    const signers = [...matched.values()];
    const recorded = {
      signers: signers.map((c) => c.signer),
      signatureDigests: signers.map((c) => c.signatureDigest),
      tlogEntries: signers.flatMap((c) => (c.tlogEntry ? [c.tlogEntry] : [])),
    };
    if (signers.length >= this.policy.minSignatures) return { ...base, outcome: 'verified', ...recorded };
    const failures = checks.filter((c): c is Extract<SignatureCheck, { ok: false }> => !c.ok);
    const outcome = signers.length > 0 || failures.some((f) => f.failure === VerificationFailure.NotTrusted) ? VerificationFailure.NotTrusted : VerificationFailure.Invalid;
    const detail = [
      ...(signers.length > 0 ? [`${signers.length} trusted signer(s) of the ${this.policy.minSignatures} required`] : []),
      ...failures.map((f) => `${f.signatureDigest}: ${f.detail}`),
    ].join('; ');
    return { ...base, outcome, ...recorded, detail };
  }

  /** One `.sig` layer: its payload must name this digest, and a trusted key or identity must have made its signature. */
  private checkLayer(digest: string, layer: CosignSignatureLayer): SignatureCheck {
    const invalid = (detail: string): SignatureCheck => ({ ok: false, failure: VerificationFailure.Invalid, signatureDigest: layer.digest, detail });
    let payload: { critical?: { type?: string; image?: { 'docker-manifest-digest'?: string } } };
    try {
      payload = JSON.parse(layer.payload.toString('utf8')) as typeof payload;
    } catch {
      return invalid('the simple-signing payload is not JSON');
    }
    if (payload.critical?.type !== COSIGN_SIGNATURE_TYPE) return invalid(`the payload's critical.type is not "${COSIGN_SIGNATURE_TYPE}"`);
    const signed = payload.critical.image?.['docker-manifest-digest'];
    if (signed !== digest) return invalid(`the payload signs ${signed ?? 'no digest'}, not ${digest} (a signature copied from another image)`);
    const signature = Buffer.from(layer.signature, 'base64');
    if (signature.length === 0) return invalid('the signature annotation is empty');
    if (layer.certificate) {
      if (!this.root) return { ok: false, failure: VerificationFailure.NotTrusted, signatureDigest: layer.digest, detail: 'a keyless signature, and the policy has no trusted root' };
      // With its Rekor entry and the log's key in the trusted root, the certificate is checked at the
      // time the log recorded the signature (as cosign does), not now.
      if (layer.rekorBundle && this.root.proto.tlogs.length > 0) return verifyRekorRecordedLayer(layer, this.root, (signer) => this.trusts(signer));
      const result = verifyCertificateSigner(layer.certificate, this.root, (key) => verifyWith(key, layer.payload, signature));
      if (!result.ok) return { ok: false, failure: result.failure, signatureDigest: layer.digest, detail: result.detail };
      if (!this.trusts(result.signer)) {
        return { ok: false, failure: VerificationFailure.NotTrusted, signatureDigest: layer.digest, detail: `signed by ${describeSigner(result.signer)}, an identity the policy does not trust` };
      }
      return { ok: true, signer: result.signer, signatureDigest: layer.digest };
    }
    for (const k of this.keys) {
      if (verifyWith(k.key, layer.payload, signature)) return { ok: true, signer: { kind: 'key', fingerprint: k.fingerprint, name: k.name }, signatureDigest: layer.digest };
    }
    // A bare signature names no key: one made by another key and one whose payload was changed look alike.
    return {
      ok: false,
      failure: VerificationFailure.NotTrusted,
      signatureDigest: layer.digest,
      detail: this.keys.length === 0 ? 'a key signature, and the policy trusts no key' : `verifies under none of the trusted keys (${this.keys.map((k) => k.name).join(', ')}): made by another key, or its payload was changed`,
    };
  }

  /** Whether a certificate signer matches one of the policy's identities (keys are matched by the verification itself). */
  trusts(signer: Signer): boolean {
    if (signer.kind === 'key') return this.keys.some((k) => k.fingerprint === signer.fingerprint);
    return this.policy.identities.some((id) => identityMatches(id, signer.subject, signer.issuer));
  }
}

/** cosign's `--certificate-identity(-regexp)` and `--certificate-oidc-issuer(-regexp)`: exact, or a (Go-style, unanchored) match. */
export function identityMatches(id: TrustedIdentity, subject: string, issuer: string): boolean {
  const one = (exact: string | undefined, pattern: string | undefined, value: string) => (exact !== undefined ? exact === value : pattern !== undefined && new RegExp(pattern).test(value));
  return one(id.subject, id.subjectRegExp, subject) && one(id.issuer, id.issuerRegExp, issuer);
}

/** cosign signs SHA-256 of the payload with ECDSA (DER) or RSA PKCS#1 v1.5, and the payload itself with Ed25519. */
export function verifyWith(key: KeyObject, payload: Buffer, signature: Buffer): boolean {
  try {
    return cryptoVerify(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', payload, key, signature);
  } catch {
    return false;
  }
}

function signerKey(s: Signer): string {
  return s.kind === 'key' ? `key:${s.fingerprint}` : `id:${s.issuer}|${s.subject}`;
}

export function describeSigner(s: Signer): string {
  return s.kind === 'key' ? `key ${s.name} (${s.fingerprint})` : `${s.subject} (issuer ${s.issuer})`;
}

/** sha256 digest of bytes, in OCI form. */
export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
