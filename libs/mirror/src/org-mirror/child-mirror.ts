import { SignaturePolicy, SourceRegistryType, type MirrorConfig, type OrgMirrorConfig } from '@ferry/contracts';

/** Hosts whose images Docker Hub's registry serves, whichever of them the user gave. */
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'hub.docker.com']);

/**
 * The registry host images are copied from: the external registry URL's host, except that Docker
 * Hub's listing and its registry live on different hosts (`hub.docker.com`, `docker.io`).
 */
export function upstreamRegistryHost(config: Pick<OrgMirrorConfig, 'externalRegistryType' | 'externalRegistryUrl'>): string {
  const host = new URL(config.externalRegistryUrl).host;
  return config.externalRegistryType === SourceRegistryType.DockerHub && DOCKER_HUB_HOSTS.has(host) ? 'docker.io' : host;
}

/**
 * Where a discovery lists the upstream's repositories: its type, the listing URL (another Ferry's
 * API when set, else the registry's), namespace, TLS and proxy: a registry client's repository
 * source, less the credentials.
 */
export function listingSource(config: OrgMirrorConfig) {
  return {
    type: config.externalRegistryType,
    url: config.externalListingUrl ?? config.externalRegistryUrl,
    namespace: config.externalNamespace,
    verifyTls: config.externalRegistryConfig.verifyTls,
    proxy: config.externalRegistryConfig.proxy,
  };
}

/** `host[:port]/namespace/repository` of one upstream repository (no namespace: the whole registry's). */
export function upstreamReference(config: Pick<OrgMirrorConfig, 'externalRegistryType' | 'externalRegistryUrl' | 'externalNamespace'>, upstream: string): string {
  return [upstreamRegistryHost(config), config.externalNamespace, upstream].filter(Boolean).join('/');
}

/**
 * The settings of the mirror of one discovered repository: the organization mirror's, for that
 * upstream repository. `syncStartDate` is the repository's own (when it was discovered), so that a
 * new repository runs at once and the organization's next change does not move every schedule.
 * `stopped`: the repository vanished upstream under `vanished: report`, so it runs no more.
 */
export function childMirrorConfig(
  org: OrgMirrorConfig,
  child: { repository: string; upstream: string; syncStartDate: string; stopped?: boolean },
): MirrorConfig {
  return {
    namespace: org.organization,
    repository: child.repository,
    isEnabled: org.isEnabled && !child.stopped,
    externalReference: upstreamReference(org, child.upstream),
    externalRegistryUsername: org.externalRegistryUsername,
    externalRegistryPassword: org.externalRegistryPassword,
    robotUsername: org.robotUsername,
    tagRule: org.tagRule,
    syncStartDate: child.syncStartDate,
    syncInterval: org.syncInterval,
    externalRegistryConfig: org.externalRegistryConfig,
    architectureFilter: org.architectureFilter,
    skopeoTimeoutInterval: org.skopeoTimeout,
    // Stated, never left to the fallback for configs stored before policies existed (which refuses unsigned images).
    signaturePolicy: org.signaturePolicy ?? SignaturePolicy.Accept,
    ...(org.trustPolicy ? { trustPolicy: org.trustPolicy } : {}),
    ...(org.tagDeletion ? { tagDeletion: org.tagDeletion } : {}),
    orgMirror: { organization: org.organization, upstream: child.upstream },
  };
}
