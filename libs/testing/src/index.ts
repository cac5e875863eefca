export { freePort } from './ports';
export { gluedColumns } from './glued-columns';
export { busyCpuSeconds, processCpuSeconds, reapedChildrenCpuSeconds, idleCpuSeconds } from './proc-stats';
export { startRegistry, writeTagsDirectly, makeTokenSigningFiles, type StartRegistryOptions, type RunningRegistry, type RegistryCredentials, type TokenIssuer } from './registry-harness';
export {
  registryRequest,
  sha256Digest,
  blobExists,
  pushBlob,
  putManifest,
  getManifest,
  manifestDigest,
  listTags,
  tagDigests,
  deleteManifest,
  MANIFEST_ACCEPT,
  type RegistryTarget,
} from './registry-api';
export {
  MediaTypes,
  deterministicBytes,
  tarOf,
  buildLayer,
  pushImage,
  blobBytesOf,
  pushIndex,
  pushMultiArch,
  type ImageFlavour,
  type LayerSpec,
  type Layer,
  type Platform,
  type PushedImage,
  type PushImageOptions,
  type PushedIndex,
} from './image-builder';
export { seedQuayExampleRepository, QUAY_EXAMPLE_TAGS, QUAY_EXAMPLE_INDEX_TAGS } from './image-seed';
export {
  TEST_POSTGRES_URL,
  TEST_NATS_URL,
  uniqueSuffix,
  testEventLogNames,
  createTestDatabase,
  eventually,
  type TestDatabase,
} from './infrastructure';
export { startSlowUpstream, type SlowUpstream } from './slow-upstream';
export { startForwardProxy, type ForwardProxy, type ProxiedRequest } from './registry-forward-proxy';
export { startShapingProxy, type ShapingProxy, type ShapingRules } from './registry-shaping-proxy';
export { startOidcIssuer, type OidcIssuer } from './oidc-issuer';
export { startNatsServer, startNatsCluster, startPostgresCluster, type RestartableServer, type NatsNode, type NatsNodeOptions } from './private-servers';
export { testOrgMirrorConfig } from './org-mirror-config';
export { DISTRIBUTION_PUSH, DOCKER_HUB_PUSH, QUAY_PUSH, HARBOR_PUSH, GITHUB_PACKAGE_PUBLISHED } from './push-payloads';
export {
  generateSigningKey,
  simpleSigningPayload,
  cosignSign,
  writeCosignSignatures,
  sigstoreBundle,
  attachBundle,
  dssePae,
  TestSigstore,
  type TestSigningKey,
  type TestKeyAlgorithm,
  type SignatureLayerOptions,
} from './cosign-harness';
