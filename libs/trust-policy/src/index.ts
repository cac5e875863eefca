export { parseTrustPolicy, trustPolicyView, keyFingerprint, keyAlgorithmOf, type TrustPolicyInput, type PolicyProblem, type ParsedTrustPolicy } from './trust-policy-input';
export { TrustVerifier, identityMatches, describeSigner, type SignatureCheck } from './verify-image';
export { certificateIdentity, loadTrustRoot, type TrustRoot } from './sigstore-material';
export {
  SIMPLE_SIGNING_MEDIA_TYPE,
  COSIGN_SIGNATURE_ANNOTATION,
  COSIGN_CERTIFICATE_ANNOTATION,
  COSIGN_CHAIN_ANNOTATION,
  COSIGN_REKOR_BUNDLE_ANNOTATION,
  COSIGN_SIGNATURE_TYPE,
  SIGSTORE_BUNDLE_ARTIFACT_TYPE_PREFIX,
  type CosignSignatureLayer,
  type BundleReferrer,
  type ImageSignatures,
  type SignatureReader,
} from './signatures';
