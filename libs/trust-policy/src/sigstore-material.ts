import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import type { X509Certificate } from '@sigstore/core';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { SignedEntity, TrustMaterial } from '@sigstore/verify';
import { VerificationFailure, type Signer } from '@ferry/contracts';
import type { BundleReferrer, CosignSignatureLayer } from './signatures';
import type { SignatureCheck } from './verify-image';

const OID_FULCIO_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_FULCIO_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** A policy's `trusted_root.json`, read once into what `@sigstore/verify` verifies against. */
export interface TrustRoot {
  proto: TrustedRoot;
  material: TrustMaterial;
}

interface SigstoreModules {
  bundle: typeof import('@sigstore/bundle');
  core: typeof import('@sigstore/core');
  specs: typeof import('@sigstore/protobuf-specs');
  verify: typeof import('@sigstore/verify');
  emptyRoot: TrustedRoot;
}
let modules: SigstoreModules | undefined;

/**
 * Sigstore's libraries, loaded when a policy first needs them (a trusted root, a certificate, a
 * bundle), not when the sync engine loads: held in memory they made every run's garbage collector
 * later, so a `ferry sync` of a 1 GiB layer that verifies nothing peaked 32 MB higher (155 against
 * 123 MB, over the 150 MB the engine keeps to) and took a fifth longer.
 */
function sigstore(): SigstoreModules {
  if (!modules) {
    const specs = require('@sigstore/protobuf-specs') as typeof import('@sigstore/protobuf-specs');
    modules = {
      bundle: require('@sigstore/bundle') as typeof import('@sigstore/bundle'),
      core: require('@sigstore/core') as typeof import('@sigstore/core'),
      specs,
      verify: require('@sigstore/verify') as typeof import('@sigstore/verify'),
      emptyRoot: specs.TrustedRoot.fromJSON({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] }),
    };
  }
  return modules;
}

export function loadTrustRoot(json: string): TrustRoot {
  const { specs, verify } = sigstore();
  const proto = specs.TrustedRoot.fromJSON(JSON.parse(json));
  return { proto, material: verify.toTrustMaterial(proto) };
}

/** The Fulcio issuer and subject of a signing certificate. */
export function certificateIdentity(cert: X509Certificate): { subject: string; issuer: string } {
  const v2 = cert.extension(OID_FULCIO_ISSUER_V2);
  const issuer = v2 ? (v2.valueObj.subs?.[0]?.value.toString('utf8') ?? '') : (cert.extension(OID_FULCIO_ISSUER_V1)?.value.toString('utf8') ?? '');
  return { subject: cert.subjectAltName ?? '', issuer };
}

/**
 * A keyless signature of the cosign tag scheme without a Rekor record (or with a trusted root that
 * lists no log): its certificate must have made the signature and chain, valid now, to a
 * certificate authority of the trusted root. (`@sigstore/verify` checks a chain only at a verified
 * timestamp, which such a layer lacks: here the chain is walked with `@sigstore/core`'s certificates.)
 */
export function verifyCertificateSigner(
  pem: string,
  root: TrustRoot,
  verifySignature: (key: KeyObject) => boolean,
): { ok: true; signer: Signer } | { ok: false; failure: typeof VerificationFailure.Invalid | typeof VerificationFailure.NotTrusted; detail: string } {
  let leaf: X509Certificate;
  try {
    leaf = sigstore().core.X509Certificate.parse(pem);
  } catch (error) {
    return { ok: false, failure: VerificationFailure.Invalid, detail: `the certificate annotation is not a certificate: ${(error as Error).message}` };
  }
  const key = createPublicKey({ key: leaf.publicKey, format: 'der', type: 'spki' });
  if (!verifySignature(key)) return { ok: false, failure: VerificationFailure.Invalid, detail: 'the signature does not verify under its own certificate: its payload was changed' };
  const { subject, issuer } = certificateIdentity(leaf);
  const now = new Date();
  const chained = root.material.certificateAuthorities.some((ca) => {
    if (ca.validFor.start > now || ca.validFor.end < now) return false;
    const path = [leaf, ...ca.certChain];
    for (let i = 0; i < path.length; i++) {
      const issuerCert = path[i + 1];
      if (!path[i]!.validForDate(now)) return false;
      if (issuerCert ? !path[i]!.verify(issuerCert) : !path[i]!.verify()) return false;
    }
    return true;
  });
  if (!chained) return { ok: false, failure: VerificationFailure.NotTrusted, detail: `the certificate of ${subject} (issuer ${issuer}) does not chain to a certificate authority of the trusted root (or is not valid now)` };
  return { ok: true, signer: { kind: 'identity', subject, issuer } };
}

/**
 * A Sigstore bundle referrer: a DSSE envelope of an in-toto statement whose subject is `digest`,
 * verified by `@sigstore/verify` with a trusted key (the bundle's key hint is not trusted to pick it:
 * every key is tried) or, for a certificate, against the trusted root at the bundle's verified
 * timestamp (transparency-log entry or RFC 3161 timestamp).
 */
export function verifyBundle(
  digest: string,
  referrer: BundleReferrer,
  keys: ReadonlyArray<{ key: KeyObject; name: string; fingerprint: string }>,
  root: TrustRoot | null,
  trusts: (signer: Signer) => boolean,
): SignatureCheck {
  const failed = (failure: typeof VerificationFailure.Invalid | typeof VerificationFailure.NotTrusted, detail: string): SignatureCheck => ({ ok: false, failure, signatureDigest: referrer.digest, detail });
  let bundle: Bundle;
  try {
    bundle = sigstore().bundle.bundleFromJSON(JSON.parse(referrer.json));
  } catch (error) {
    return failed(VerificationFailure.Invalid, `not a Sigstore bundle: ${(error as Error).message}`);
  }
  if (bundle.content.$case !== 'dsseEnvelope') return failed(VerificationFailure.Invalid, 'a message-signature bundle: only DSSE (in-toto) bundles are read');
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return failed(VerificationFailure.Invalid, `the envelope's payload type is ${envelope.payloadType}, not ${IN_TOTO_PAYLOAD_TYPE}`);
  let subjects: Array<{ digest?: Record<string, string> }>;
  try {
    subjects = (JSON.parse(Buffer.from(envelope.payload).toString('utf8')) as { subject?: typeof subjects }).subject ?? [];
  } catch {
    return failed(VerificationFailure.Invalid, 'the in-toto statement is not JSON');
  }
  const [algorithm, hex] = digest.split(':');
  if (!subjects.some((s) => s.digest?.[algorithm!] === hex)) return failed(VerificationFailure.Invalid, `the statement's subjects do not include ${digest} (a bundle copied from another image)`);
  let entity: SignedEntity;
  try {
    entity = sigstore().verify.toSignedEntity(bundle);
  } catch (error) {
    return failed(VerificationFailure.Invalid, `unreadable bundle: ${(error as Error).message}`);
  }
  const tlogEntry = entity.tlogEntries[0] ? { logIndex: entity.tlogEntries[0].logIndex, logId: Buffer.from(entity.tlogEntries[0].logId.keyId).toString('base64') } : undefined;
  if (entity.key.$case === 'public-key') {
    // A policy without a trusted root cannot check log entries: a key's signature stands on its own.
    const checked = root && root.proto.tlogs.length > 0 ? entity : { ...entity, tlogEntries: [], timestamps: [] };
    for (const k of keys) {
      const material = sigstore().verify.toTrustMaterial(root?.proto ?? sigstore().emptyRoot, () => ({ publicKey: k.key, validFor: () => true }));
      try {
        new (sigstore().verify.Verifier)(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(checked);
        return { ok: true, signer: { kind: 'key', fingerprint: k.fingerprint, name: k.name }, signatureDigest: referrer.digest, ...(tlogEntry ? { tlogEntry } : {}) };
      } catch {
        // Not this key (or not a signature at all): the next key is tried.
      }
    }
    return failed(VerificationFailure.NotTrusted, keys.length === 0 ? 'a key-signed bundle, and the policy trusts no key' : `verifies under none of the trusted keys (${keys.map((k) => k.name).join(', ')})`);
  }
  if (!root) return failed(VerificationFailure.NotTrusted, 'a keyless bundle, and the policy has no trusted root');
  let identity: { subject: string; issuer: string };
  try {
    const signer = new (sigstore().verify.Verifier)(root.material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 1 }).verify(entity);
    identity = { subject: signer.identity?.subjectAlternativeName ?? '', issuer: signer.identity?.extensions?.issuer ?? '' };
  } catch (error) {
    // An upstream's malformed bundle is its signature's fault, not a reason to stop the run.
    const code = error instanceof sigstore().verify.VerificationError ? error.code : 'MALFORMED';
    return failed(code === 'CERTIFICATE_ERROR' ? VerificationFailure.NotTrusted : VerificationFailure.Invalid, `${code}: ${(error as Error).message}`);
  }
  const signer: Signer = { kind: 'identity', ...identity };
  if (!trusts(signer)) return failed(VerificationFailure.NotTrusted, `signed by ${identity.subject} (issuer ${identity.issuer}), an identity the policy does not trust`);
  return { ok: true, signer, signatureDigest: referrer.digest, ...(tlogEntry ? { tlogEntry } : {}) };
}

/**
 * A keyless `.sig` layer that cosign recorded in Rekor: its signature, certificate and Rekor entry
 * (the `dev.sigstore.cosign/bundle` annotation: the signed entry timestamp and the entry's body)
 * are put in the shape of a Sigstore bundle (v0.1, a message signature over the payload) and
 * verified by `@sigstore/verify` against the trusted root: the log's promise checked with its
 * key, the entry's body against the signature, the certificate's chain at the entry's time.
 */
export function verifyRekorRecordedLayer(layer: CosignSignatureLayer, root: TrustRoot, trusts: (signer: Signer) => boolean): SignatureCheck {
  const failed = (failure: typeof VerificationFailure.Invalid | typeof VerificationFailure.NotTrusted, detail: string): SignatureCheck => ({ ok: false, failure, signatureDigest: layer.digest, detail });
  let entry: { SignedEntryTimestamp: string; Payload: { body: string; integratedTime: number; logIndex: number; logID: string } };
  let body: { kind?: string; apiVersion?: string };
  try {
    entry = JSON.parse(layer.rekorBundle!) as typeof entry;
    body = JSON.parse(Buffer.from(entry.Payload.body, 'base64').toString('utf8')) as typeof body;
  } catch {
    return failed(VerificationFailure.Invalid, 'the Rekor bundle annotation is not JSON');
  }
  let leaf: X509Certificate;
  try {
    leaf = sigstore().core.X509Certificate.parse(layer.certificate!);
  } catch (error) {
    return failed(VerificationFailure.Invalid, `the certificate annotation is not a certificate: ${(error as Error).message}`);
  }
  const digest = createHash('sha256').update(layer.payload).digest('base64');
  let bundle: Bundle;
  try {
    bundle = sigstore().bundle.bundleFromJSON({
      mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
      verificationMaterial: {
        x509CertificateChain: { certificates: [{ rawBytes: leaf.root.toDER().toString('base64') }] },
        tlogEntries: [
          {
            logIndex: String(entry.Payload.logIndex),
            logId: { keyId: Buffer.from(entry.Payload.logID, 'hex').toString('base64') },
            kindVersion: { kind: body.kind ?? 'hashedrekord', version: body.apiVersion ?? '0.0.1' },
            integratedTime: String(entry.Payload.integratedTime),
            inclusionPromise: { signedEntryTimestamp: entry.SignedEntryTimestamp },
            canonicalizedBody: entry.Payload.body,
          },
        ],
        timestampVerificationData: { rfc3161Timestamps: [] },
      },
      messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest }, signature: layer.signature },
    });
  } catch (error) {
    return failed(VerificationFailure.Invalid, `unreadable Rekor entry: ${(error as Error).message}`);
  }
  let identity: { subject: string; issuer: string };
  try {
    const signer = new (sigstore().verify.Verifier)(root.material, { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 1 }).verify(sigstore().verify.toSignedEntity(bundle, layer.payload));
    identity = { subject: signer.identity?.subjectAlternativeName ?? '', issuer: signer.identity?.extensions?.issuer ?? '' };
  } catch (error) {
    const code = error instanceof sigstore().verify.VerificationError ? error.code : 'MALFORMED';
    return failed(code === 'CERTIFICATE_ERROR' ? VerificationFailure.NotTrusted : VerificationFailure.Invalid, `${code}: ${(error as Error).message}`);
  }
  const signer: Signer = { kind: 'identity', ...identity };
  if (!trusts(signer)) return failed(VerificationFailure.NotTrusted, `signed by ${identity.subject} (issuer ${identity.issuer}), an identity the policy does not trust`);
  return { ok: true, signer, signatureDigest: layer.digest, tlogEntry: { logIndex: String(entry.Payload.logIndex), logId: Buffer.from(entry.Payload.logID, 'hex').toString('base64') } };
}
