import type { Dispatcher } from 'undici';
import { randomUUID } from 'node:crypto';
import { headBlob, putBlob, startUpload } from './blobs';
import { nextPageLink } from './link-header';
import { deleteManifest, digestOf, putManifest } from './manifests';
import { ManifestMediaType } from './media-types';
import { RegistryError } from './registry-error';
import { pullScope, type RegistryTransport } from './registry-transport';

/**
 * Every tag of a repository, following `Link` pagination to the end. `null` when the repository
 * does not exist (NAME_UNKNOWN) and `missingOk` is set.
 */
export async function listTags(t: RegistryTransport, repo: string, opts: { pageSize?: number; missingOk?: boolean } = {}): Promise<string[] | null> {
  const tags: string[] = [];
  let next: string | null = `/v2/${repo}/tags/list?n=${opts.pageSize ?? 1000}`;
  let pages = 0;
  while (next) {
    let res: Dispatcher.ResponseData;
    try {
      // A repository that may be missing answers 404: an answer then, not a failure.
      const missingOk = opts.missingOk === true && pages === 0;
      res = await t.send({ method: 'GET', path: next, scope: pullScope(repo), ok: missingOk ? [200, 404] : [200], what: `listing tags of ${t.host}/${repo}` });
      if (res.statusCode === 404) {
        await res.body.dump();
        return null;
      }
    } catch (error) {
      if (opts.missingOk && pages === 0 && error instanceof RegistryError && (error.code === 'NAME_UNKNOWN' || error.code === 'NOT_FOUND')) return null;
      throw error;
    }
    pages++;
    const body = (await res.body.json()) as { tags?: string[] | null };
    tags.push(...(body.tags ?? []));
    const link = nextPageLink(res.headers['link']);
    next = link ? new URL(link, t.baseUrl).toString() : null;
  }
  return tags;
}

const EMPTY_CONFIG = Buffer.from('{}');
const EMPTY_CONFIG_DIGEST = digestOf(EMPTY_CONFIG);
/** Per transport and repository: the placeholder's empty config is pushed once. */
const emptyConfigPushed = new WeakMap<RegistryTransport, Map<string, Promise<void>>>();

function pushEmptyConfig(t: RegistryTransport, repo: string): Promise<void> {
  let byRepo = emptyConfigPushed.get(t);
  if (!byRepo) emptyConfigPushed.set(t, (byRepo = new Map()));
  let pushed = byRepo.get(repo);
  if (!pushed) {
    pushed = (async () => {
      if ((await headBlob(t, repo, EMPTY_CONFIG_DIGEST)) !== null) return;
      const location = await startUpload(t, repo);
      await putBlob(t, repo, location, EMPTY_CONFIG_DIGEST, EMPTY_CONFIG.length, EMPTY_CONFIG);
    })();
    byRepo.set(repo, pushed);
    pushed.catch(() => byRepo.delete(repo));
  }
  return pushed;
}

/**
 * Deletes a tag and only the tag. Registry 2.8 deletes manifests only by digest, which takes
 * every tag on the digest along; so the tag is first re-pointed at a unique placeholder manifest,
 * which is then deleted: the tag goes, the manifest it held stays.
 */
export async function deleteTag(t: RegistryTransport, repo: string, tag: string): Promise<void> {
  await pushEmptyConfig(t, repo);
  const placeholder = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: ManifestMediaType.OciManifest,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: EMPTY_CONFIG_DIGEST, size: EMPTY_CONFIG.length },
      layers: [],
      annotations: { 'dev.ferry.placeholder': `${tag} ${randomUUID()}` },
    }),
  );
  const digest = await putManifest(t, repo, tag, placeholder, ManifestMediaType.OciManifest);
  await deleteManifest(t, repo, digest);
}
