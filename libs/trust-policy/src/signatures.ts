/** cosign's media type of a simple-signing payload layer in a `sha256-<digest>.sig` manifest. */
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
/** The layer annotations cosign writes: the base64 signature, and for keyless the certificate and its chain (PEM). */
export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const COSIGN_CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const COSIGN_CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';
/** cosign's record of the signature's Rekor entry (`{SignedEntryTimestamp, Payload: {body, integratedTime, logIndex, logID}}`). */
export const COSIGN_REKOR_BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
/** The artifact type of a Sigstore bundle attached as an OCI 1.1 referrer (`cosign sign|attest --new-bundle-format`). */
export const SIGSTORE_BUNDLE_ARTIFACT_TYPE_PREFIX = 'application/vnd.dev.sigstore.bundle';
/** cosign's simple-signing `critical.type`. */
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';

/** One signature of the cosign tag scheme: a layer of the `.sig` manifest, its payload and annotations. */
export interface CosignSignatureLayer {
  /** The layer's digest (sha256 of the payload). */
  digest: string;
  payload: Buffer;
  /** base64, from `dev.cosignproject.cosign/signature`. */
  signature: string;
  /** PEM, for keyless signatures. */
  certificate?: string;
  /** The `dev.sigstore.cosign/bundle` annotation (JSON), when cosign recorded the signature in Rekor. */
  rekorBundle?: string;
}

/** A Sigstore bundle attached to the image as an OCI 1.1 referrer. */
export interface BundleReferrer {
  /** The referrer manifest's digest. */
  digest: string;
  /** The bundle's JSON text. */
  json: string;
}

/** Every signature found for one digest, in both forms. */
export interface ImageSignatures {
  layers: CosignSignatureLayer[];
  bundles: BundleReferrer[];
}

/** Reads an image's signatures (the sync engine reads them from the upstream registry). */
export interface SignatureReader {
  read(digest: string): Promise<ImageSignatures>;
}
