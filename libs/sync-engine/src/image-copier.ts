import {
  RegistryError,
  digestOf,
  isNonDistributable,
  parseManifest,
  type Descriptor,
  type ManifestBytes,
  type ManifestLimits,
  type RegistryClient,
} from '@ferry/registry-client';
import type { BlobCopier } from './blob-copier';
import type { IndexMode } from './sync-request';

/** The manifest tree one copy put on the target. */
export interface ImageCopyResult {
  /** Digest of the top manifest on the target (differs from upstream only for a rewritten index). */
  digest: string;
  mediaType: string;
  bytesCopied: number;
  /** The target already held exactly this manifest under the reference. */
  unchanged: boolean;
  /** Digests of the index entries now on the target (empty for a single image). */
  children: string[];
}

export interface ImageCopierOptions {
  upstream: RegistryClient;
  upstreamRepo: string;
  target: RegistryClient;
  targetRepo: string;
  blobs: BlobCopier;
  limits: ManifestLimits;
  platformFilter: ((d: Descriptor) => boolean) | null;
  indexMode: IndexMode;
}

/**
 * Copies a manifest and everything it references, children and blobs first so that the target
 * never holds a manifest whose parts are missing. Manifests are pushed with the exact upstream
 * bytes and media type; only an index filtered by platform in `rewrite` mode gets new bytes.
 * Child manifests shared by several tags are copied once per run.
 */
export class ImageCopier {
  private readonly childCopies = new Map<string, Promise<number>>();
  /**
   * The target repository held no tags when the run started: a child manifest is then assumed
   * missing instead of asked about (a HEAD each). Blobs still get their existence check, so a
   * repository left half-filled by a failed run costs nothing extra.
   */
  targetEmpty = false;

  constructor(private readonly o: ImageCopierOptions) {}

  /**
   * Copies the upstream manifest (its digest, or the manifest already fetched) and pushes it under `reference` (a tag),
   * or, given null, under its own digest only (a quarantined image: no tag points at it).
   * `targetDigest` is what the target's tag holds now, to skip a rewritten index that is unchanged.
   */
  async copyTag(source: string | ManifestBytes, reference: string | null, targetDigest: string | null): Promise<ImageCopyResult> {
    const { upstream, upstreamRepo, target, targetRepo, limits } = this.o;
    const m = typeof source === 'string' ? await upstream.getManifest(upstreamRepo, source, { maxBytes: limits.maxManifestBytes }) : source;
    const doc = parseManifest(m.bytes, m.mediaType, limits);
    if (!doc.isIndex) {
      const bytesCopied = await this.copyBlobs(doc.blobs);
      await target.putManifest(targetRepo, reference ?? m.digest, m.bytes, m.mediaType);
      return { digest: m.digest, mediaType: m.mediaType, bytesCopied, unchanged: false, children: [] };
    }
    const filter = this.o.platformFilter;
    const selected = filter ? doc.manifests.filter(filter) : doc.manifests;
    if (selected.length === 0) {
      throw new RegistryError('NO_MATCHING_PLATFORM', `no entry of the index matches the architecture filter`);
    }
    let bytes = m.bytes;
    if (selected.length < doc.manifests.length && this.o.indexMode === 'rewrite') {
      const json = JSON.parse(m.bytes.toString('utf8')) as { manifests: Descriptor[] };
      json.manifests = selected;
      bytes = Buffer.from(JSON.stringify(json, null, 3));
    }
    const digest = bytes === m.bytes ? m.digest : digestOf(bytes);
    const children = selected.map((c) => c.digest);
    if (digest === targetDigest) return { digest, mediaType: m.mediaType, bytesCopied: 0, unchanged: true, children };
    const copied = await Promise.all(selected.map((c) => this.copyChild(c)));
    try {
      await target.putManifest(targetRepo, reference ?? digest, bytes, m.mediaType);
    } catch (error) {
      if (error instanceof RegistryError && error.code === 'MANIFEST_BLOB_UNKNOWN' && bytes === m.bytes && selected.length < doc.manifests.length) {
        throw new RegistryError(
          'SPARSE_INDEX_REFUSED',
          'the target registry refuses an index whose filtered-out children it does not hold (sparse mode); use the rewrite mode',
          { cause: error, status: error.status },
        );
      }
      throw error;
    }
    return { digest, mediaType: m.mediaType, bytesCopied: copied.reduce((a, b) => a + b, 0), unchanged: false, children };
  }

  /** Copies one child manifest by digest unless the target has it; once per run per digest. */
  copyChild(d: Descriptor): Promise<number> {
    let p = this.childCopies.get(d.digest);
    if (p) return p.then(() => 0);
    p = (async () => {
      const { upstream, upstreamRepo, target, targetRepo, limits } = this.o;
      if (!this.targetEmpty && (await target.headManifest(targetRepo, d.digest))) return 0;
      const m = await upstream.getManifest(upstreamRepo, d.digest, { maxBytes: limits.maxManifestBytes });
      const doc = parseManifest(m.bytes, m.mediaType, limits);
      const bytes = doc.isIndex ? (await Promise.all(doc.manifests.map((c) => this.copyChild(c)))).reduce((a, b) => a + b, 0) : await this.copyBlobs(doc.blobs);
      await target.putManifest(targetRepo, d.digest, m.bytes, m.mediaType);
      return bytes;
    })();
    this.childCopies.set(d.digest, p);
    p.catch(() => this.childCopies.delete(d.digest));
    return p;
  }

  private async copyBlobs(blobs: Descriptor[]): Promise<number> {
    const sizes = await Promise.all(blobs.filter((b) => !isNonDistributable(b)).map((b) => this.o.blobs.copy(b)));
    return sizes.reduce((a, b) => a + b, 0);
  }
}
