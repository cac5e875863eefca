import { createHash, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { blobDataPath } from '@ferry/proxy-cache';
import { Readable } from 'node:stream';
import type { TargetRegistry } from './target-registry';
import type { TargetStorage } from './target-storage';

/** The repository the probe writes into: a name no organization of Ferry's can have (`__`). */
const PROBE_REPOSITORY = 'ferry__front/storage-probe';

/**
 * Whether the storage the front was given is the target's own: a blob the front writes into it
 * (and links into a repository of its own) is one the target then answers for. A path that is
 * not the target's storage (a typo, a volume the registry does not mount) would make every warm
 * pull a miss and every fill vanish; the probe catches it before the front reads or writes there.
 * The probe's link is deleted through the target's API and its folder from the storage; its few
 * bytes stay for the registry's garbage collection (in a storage that is not the target's, they
 * are removed too). Throws when the target cannot be asked.
 */
export async function storageIsTargets(storage: TargetStorage, target: TargetRegistry): Promise<boolean> {
  const bytes = Buffer.from(`the registry front's storage probe ${randomUUID()}\n`);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await storage.writeBlob(PROBE_REPOSITORY, digest, Readable.from([bytes]));
  let found = false;
  try {
    found = await target.hasBlob(PROBE_REPOSITORY, digest);
    return found;
  } finally {
    // Not the target's storage: nothing of the probe's stays in it.
    if (!found) await rm(dirname(blobDataPath(storage.root, digest)), { recursive: true, force: true });
    await target.deleteBlob(PROBE_REPOSITORY, digest).catch(() => undefined);
    await rm(join(storage.root, 'docker', 'registry', 'v2', 'repositories', PROBE_REPOSITORY.split('/')[0]!), { recursive: true, force: true });
  }
}
