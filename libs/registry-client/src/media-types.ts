/** Manifest and blob media types the client understands. */
export const ManifestMediaType = {
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** The Accept header for manifest reads: every kind, so the registry never converts. */
export const MANIFEST_ACCEPT = [
  ManifestMediaType.OciIndex,
  ManifestMediaType.DockerManifestList,
  ManifestMediaType.OciManifest,
  ManifestMediaType.DockerManifest,
].join(', ');

/** Whether a manifest of this type lists other manifests (index or manifest list). */
export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === ManifestMediaType.OciIndex || mediaType === ManifestMediaType.DockerManifestList;
}
