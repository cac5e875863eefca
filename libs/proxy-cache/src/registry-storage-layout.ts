import { join } from 'node:path';

/**
 * Where `docker-registry` (CNCF distribution, filesystem driver) keeps a repository's content
 * under its `rootdirectory`: blobs once, by digest, and per repository the links that say which
 * blobs and manifests belong to it. The registry serves a blob to a repository only while the
 * repository links it; the front, reading the same storage, holds itself to the same rule.
 */
const V2 = join('docker', 'registry', 'v2');

/** Digests the layout is certain for: the registry's own algorithms, lowercase hex of their length (nothing else may become a path). */
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isStorableDigest(digest: string): boolean {
  return DIGEST.test(digest);
}

function parts(digest: string): { algorithm: string; hex: string } {
  if (!isStorableDigest(digest)) throw new Error(`not a sha256 or sha512 digest: ${digest}`);
  const [algorithm, hex] = digest.split(':') as [string, string];
  return { algorithm, hex };
}

/** `<root>/docker/registry/v2/blobs/<alg>/<first two hex>/<hex>/data`: the blob's bytes. */
export function blobDataPath(root: string, digest: string): string {
  const { algorithm, hex } = parts(digest);
  return join(root, V2, 'blobs', algorithm, hex.slice(0, 2), hex, 'data');
}

/** `<root>/docker/registry/v2/repositories/<name>/_layers/<alg>/<hex>/link`: holds the digest while the repository links the blob. */
export function layerLinkPath(root: string, name: string, digest: string): string {
  const { algorithm, hex } = parts(digest);
  return join(root, V2, 'repositories', ...name.split('/'), '_layers', algorithm, hex, 'link');
}

/** `<root>/docker/registry/v2/repositories/<name>/_manifests/revisions/<alg>/<hex>/link`: the repository holds the manifest. */
export function manifestRevisionLinkPath(root: string, name: string, digest: string): string {
  const { algorithm, hex } = parts(digest);
  return join(root, V2, 'repositories', ...name.split('/'), '_manifests', 'revisions', algorithm, hex, 'link');
}

/** `<root>/docker/registry/v2/repositories/<name>/_manifests/tags/<tag>/current/link`: the tag's manifest digest. */
export function tagCurrentLinkPath(root: string, name: string, tag: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(tag)) throw new Error(`not a tag: ${tag}`);
  return join(root, V2, 'repositories', ...name.split('/'), '_manifests', 'tags', tag, 'current', 'link');
}

/**
 * Where the front writes a blob while it arrives, before it is renamed into place: inside the
 * storage (a rename within one filesystem is atomic) and outside `docker/`, which the registry
 * never walks, so a fill cut short is never mistaken for content.
 */
export function fillTempDirectory(root: string): string {
  return join(root, 'ferry-front-fills');
}
