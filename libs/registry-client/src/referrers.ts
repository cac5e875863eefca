import { parseManifest, type Descriptor, type ManifestLimits } from './manifest-document';
import { getManifest, headManifest, putManifest } from './manifests';
import { ManifestMediaType } from './media-types';
import { RegistryError } from './registry-error';
import { pullScope, type RegistryTransport } from './registry-transport';

/**
 * The OCI referrers of a digest (an image index); null when the registry has no referrers API
 * (it answers 404, 405 or 400: answers here, not failures).
 */
export async function listReferrers(t: RegistryTransport, repo: string, digest: string): Promise<Descriptor[] | null> {
  try {
    const res = await t.send({
      method: 'GET',
      path: `/v2/${repo}/referrers/${digest}`,
      scope: pullScope(repo),
      headers: { accept: 'application/vnd.oci.image.index.v1+json' },
      ok: [200, 404, 405, 400],
      what: `referrers of ${t.host}/${repo}@${digest}`,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return null;
    }
    const body = (await res.body.json()) as { manifests?: Descriptor[] };
    return body.manifests ?? [];
  } catch (error) {
    if (error instanceof RegistryError && (error.status === 404 || error.status === 405 || error.status === 400)) return null;
    throw error;
  }
}

/**
 * Adds referrers to the tag-schema index `tag` (OCI distribution 1.1's fallback for a registry
 * without a referrers API), creating it, and keeping the entries it already lists.
 */
export async function putReferrersTagIndex(t: RegistryTransport, repo: string, tag: string, referrers: Descriptor[], limits: ManifestLimits): Promise<void> {
  let manifests: Descriptor[] = [];
  if (await headManifest(t, repo, tag)) {
    const m = await getManifest(t, repo, tag, { maxBytes: limits.maxManifestBytes });
    manifests = parseManifest(m.bytes, m.mediaType, limits).manifests;
  }
  const known = new Set(manifests.map((d) => d.digest));
  const added = referrers.filter((d) => !known.has(d.digest));
  if (added.length === 0) return;
  const index = { schemaVersion: 2, mediaType: ManifestMediaType.OciIndex, manifests: [...manifests, ...added] };
  await putManifest(t, repo, tag, Buffer.from(JSON.stringify(index)), ManifestMediaType.OciIndex);
}
