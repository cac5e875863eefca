import { isIndexMediaType } from './media-types';
import { RegistryError, RegistryErrorCode } from './registry-error';

/** A descriptor as manifests carry them. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  artifactType?: string;
  annotations?: Record<string, string>;
  urls?: string[];
}

/** What the copier needs from a manifest: its children (index) or its blobs (image/artifact). */
export interface ManifestDocument {
  mediaType: string;
  isIndex: boolean;
  /** Index entries. */
  manifests: Descriptor[];
  /** Config and layers of an image manifest. */
  blobs: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
}

/** Limits on what an upstream may send, as Quay's (10 MiB manifests, 1000 index entries). */
export interface ManifestLimits {
  maxManifestBytes: number;
  maxIndexEntries: number;
}

export const DEFAULT_MANIFEST_LIMITS: ManifestLimits = { maxManifestBytes: 10 * 1024 * 1024, maxIndexEntries: 1000 };

/**
 * Reads the parts of a manifest the copier walks. The bytes themselves are never re-serialized:
 * this is only for finding children and blobs.
 */
export function parseManifest(bytes: Buffer, headerMediaType: string, limits: ManifestLimits = DEFAULT_MANIFEST_LIMITS): ManifestDocument {
  let json: {
    mediaType?: string;
    schemaVersion?: number;
    manifests?: Descriptor[];
    config?: Descriptor;
    layers?: Descriptor[];
    subject?: Descriptor;
    artifactType?: string;
  };
  try {
    json = JSON.parse(bytes.toString('utf8')) as typeof json;
  } catch (error) {
    throw new RegistryError(RegistryErrorCode.ManifestInvalid, 'manifest is not JSON', { cause: error });
  }
  const mediaType = json.mediaType ?? headerMediaType;
  if (json.schemaVersion === 1) throw new RegistryError(RegistryErrorCode.ManifestInvalid, 'Docker schema 1 manifests are not supported');
  const isIndex = isIndexMediaType(mediaType) || (Array.isArray(json.manifests) && !json.config);
  const manifests = isIndex ? (json.manifests ?? []) : [];
  if (manifests.length > limits.maxIndexEntries) {
    throw new RegistryError(RegistryErrorCode.TooManyIndexEntries, `index has ${manifests.length} entries, more than the limit of ${limits.maxIndexEntries}`);
  }
  const blobs = isIndex ? [] : [...(json.config ? [json.config] : []), ...(json.layers ?? [])];
  return { mediaType, isIndex, manifests, blobs, subject: json.subject, artifactType: json.artifactType };
}

/**
 * Whether a layer must not be copied: non-distributable ("foreign") layers are left where they
 * are, as registries and skopeo do; the manifest keeps pointing at their URLs.
 */
export function isNonDistributable(d: Descriptor): boolean {
  return d.mediaType.includes('nondistributable') || d.mediaType.includes('foreign');
}
