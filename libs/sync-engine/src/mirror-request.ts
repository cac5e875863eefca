import { refusesUnsignedImages, tagDeletionOf, trustPolicyOf, type MirrorConfig } from '@ferry/contracts';
import type { SyncRequest } from './sync-request';

/** Where a deployment's mirrors write, and who may be reached. */
export interface MirrorTargetSettings {
  target: { registryUrl: string; verifyTls: boolean };
  ssrfAllowedHosts: string[];
}

/**
 * The one place a mirror's settings become what the engine is asked: the upstream and its
 * credentials (the password already opened), the target repository (named after the mirror) and
 * who writes to it, the tag rule with the mirror's record of first sightings, the deletion
 * settings, platforms, timeout and signature policy. Callers add what belongs to one run.
 */
export function syncRequestForMirror(
  mirrorId: string,
  config: MirrorConfig,
  settings: MirrorTargetSettings,
  secrets: { upstreamPassword: string | null; target: { username: string; password: string } | null; tagsFirstSeen?: Readonly<Record<string, string>> },
  run: { tags?: readonly string[] } = {},
): SyncRequest {
  return {
    upstream: {
      reference: config.externalReference,
      ...(config.externalRegistryUsername ? { username: config.externalRegistryUsername } : {}),
      ...(secrets.upstreamPassword !== null ? { password: secrets.upstreamPassword } : {}),
      verifyTls: config.externalRegistryConfig.verifyTls,
      proxy: config.externalRegistryConfig.proxy,
    },
    target: { ...settings.target, ...(secrets.target ?? {}), repository: mirrorId },
    tagRule: config.tagRule,
    ...(run.tags ? { onlyTags: run.tags } : {}),
    tagDeletion: tagDeletionOf(config),
    tagsFirstSeen: secrets.tagsFirstSeen ?? {},
    architectureFilter: config.architectureFilter,
    timeoutSeconds: config.skopeoTimeoutInterval,
    ssrfAllowedHosts: settings.ssrfAllowedHosts,
    // The engine's `unsignedImages: false` refuses unsigned images: Quay's flag and Ferry's policy decide it.
    unsignedImages: !refusesUnsignedImages(config),
    // `verify`: each tag is checked against the mirror's trust policy before it is published (unless `unsigned_images`).
    trustPolicy: trustPolicyOf(config),
  };
}
