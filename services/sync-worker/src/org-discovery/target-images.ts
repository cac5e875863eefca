import { mirrorId } from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import { createRegistryDispatcher, RegistryClient } from '@ferry/registry-client';
import type { SecretBox } from '@ferry/secrets';
import { targetWriter, type TargetSettings } from '../run/target-writer';
import type { DeleteImages } from './child-repositories';

/** The target registry as the sync-worker writes to it. */
export interface TargetRegistry {
  registryUrl: string;
  verifyTls: boolean;
}

/**
 * Deletes every image a target repository holds, as `writer`: each digest its tags point at,
 * once (registry 2.8 deletes manifests only by digest, taking every tag on it along, as a run's
 * tag removal does). A repository the registry does not know holds nothing. Returns the tags removed.
 */
export async function deleteTargetImages(target: TargetRegistry, writer: { username: string; password: string }, repository: string, timeoutMs = 60_000): Promise<number> {
  const url = new URL(target.registryUrl);
  const dispatcher = createRegistryDispatcher({ verifyTls: target.verifyTls, connectionsPerHost: 2 });
  try {
    const client = new RegistryClient({ host: url.host, scheme: url.protocol === 'http:' ? 'http' : 'https', dispatcher, credentials: writer, timeoutMs });
    const tags = (await client.listTags(repository, { missingOk: true })) ?? [];
    const digests = new Set<string>();
    for (const tag of tags) {
      const head = await client.headManifest(repository, tag);
      if (head) digests.add(head.digest);
    }
    for (const digest of digests) await client.deleteManifest(repository, digest);
    return tags.length;
  } finally {
    await dispatcher.close();
  }
}

/**
 * Deletes a repository's images of an organization mirror as its robot (or the deployment's fixed
 * target user: see `targetWriter`), each request bounded by the mirror's `skopeo_timeout`.
 */
export function imagesDeleter(store: EventStore, secrets: SecretBox, settings: TargetSettings): DeleteImages {
  return async (org, repository) => {
    const writer = await targetWriter(store, secrets, settings, org.robotUsername);
    await deleteTargetImages(settings.target, writer, mirrorId(org.organization, repository), Math.max(1, org.skopeoTimeout) * 1000);
  };
}
