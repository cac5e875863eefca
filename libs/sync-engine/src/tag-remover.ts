import { createHash, randomUUID } from 'node:crypto';
import { ManifestMediaType, type RegistryClient } from '@ferry/registry-client';

const EMPTY_CONFIG = Buffer.from('{}');
const EMPTY_CONFIG_DIGEST = `sha256:${createHash('sha256').update(EMPTY_CONFIG).digest('hex')}`;

/**
 * Removes tags from a target repository. Registry 2.8 deletes manifests only by digest, and that
 * takes every tag pointing at the digest along. So a tag whose digest must survive (another kept
 * tag points at it, or a kept index lists it) is first re-pointed at a throwaway placeholder
 * manifest, which is then deleted: the tag goes, the shared manifest stays.
 */
export class TagRemover {
  private emptyConfigPushed: Promise<void> | undefined;

  constructor(
    private readonly target: RegistryClient,
    private readonly repo: string,
  ) {}

  /**
   * Deletes `tags` (tag → digest it holds); `keep` holds digests that must stay in the repository.
   * Returns the tags removed with the digest each held.
   */
  async remove(tags: Map<string, string>, keep: ReadonlySet<string>): Promise<Array<{ tag: string; digest: string }>> {
    const byDigest = new Map<string, string[]>();
    for (const [tag, digest] of tags) byDigest.set(digest, [...(byDigest.get(digest) ?? []), tag]);
    const removed: Array<{ tag: string; digest: string }> = [];
    for (const [digest, group] of byDigest) {
      if (keep.has(digest)) {
        for (const tag of group) {
          await this.removeTagOnly(tag);
          removed.push({ tag, digest });
        }
      } else {
        await this.target.deleteManifest(this.repo, digest);
        for (const tag of group) removed.push({ tag, digest });
      }
    }
    return removed;
  }

  /** Re-points the tag at a unique placeholder, then deletes the placeholder (and so the tag). */
  async removeTagOnly(tag: string): Promise<void> {
    this.emptyConfigPushed ??= (async () => {
      if ((await this.target.headBlob(this.repo, EMPTY_CONFIG_DIGEST)) !== null) return;
      const location = await this.target.startUpload(this.repo);
      await this.target.putBlob(this.repo, location, EMPTY_CONFIG_DIGEST, EMPTY_CONFIG.length, EMPTY_CONFIG);
    })();
    await this.emptyConfigPushed;
    const placeholder = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: ManifestMediaType.OciManifest,
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: EMPTY_CONFIG_DIGEST, size: EMPTY_CONFIG.length },
        layers: [],
        annotations: { 'dev.ferry.placeholder': `${tag} ${randomUUID()}` },
      }),
    );
    const digest = await this.target.putManifest(this.repo, tag, placeholder, ManifestMediaType.OciManifest);
    await this.target.deleteManifest(this.repo, digest);
  }
}
