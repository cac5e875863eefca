import { createCipheriv, createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pushBlob, putManifest, sha256Digest, type RegistryTarget } from './registry-api';

/** Media types the builder writes, as the registries name them. */
export const MediaTypes = {
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  OciLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/** `oci` or `docker` flavour of manifests. */
export type ImageFlavour = 'oci' | 'docker';

/**
 * A layer: raw tar.gz bytes, or a deterministic one made from a seed — one file of `size`
 * pseudo-random bytes, tarred and really gzipped, identical on every run for the same seed.
 */
export type LayerSpec = Buffer | { seed: string; size: number };

/** A built layer. */
export interface Layer {
  /** The gzip bytes pushed as the blob. */
  blob: Buffer;
  digest: string;
  /** sha256 of the uncompressed tar, for the config's rootfs. */
  diffId: string;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** What {@link pushImage} pushed. */
export interface PushedImage {
  digest: string;
  mediaType: string;
  size: number;
  manifest: Buffer;
  configDigest: string;
  layerDigests: string[];
  platform: Platform;
}

/** Deterministic pseudo-random bytes: AES-CTR over zeros, keyed by the seed (fast even for GiBs). */
export function deterministicBytes(seed: string, size: number): Buffer {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  const put = (s: string, offset: number, len: number) => h.write(s, offset, len, 'ascii');
  put(name, 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(`${size.toString(8).padStart(11, '0')}\0`, 124, 12);
  put('00000000000\0', 136, 12);
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

/** A one-file tar archive (ustar), enough for a registry and for skopeo. */
export function tarOf(name: string, content: Buffer): Buffer {
  const pad = (512 - (content.length % 512)) % 512;
  return Buffer.concat([tarHeader(name, content.length), content, Buffer.alloc(pad), Buffer.alloc(1024)]);
}

/**
 * Builds a layer from a spec; level-1 gzip keeps big synthetic layers quick to make, and above
 * 256 MiB level 0 (stored blocks: still real gzip, and random bytes do not compress anyway)
 * makes a GiB layer in seconds rather than a minute.
 */
export function buildLayer(spec: LayerSpec): Layer {
  if (Buffer.isBuffer(spec)) return { blob: spec, digest: sha256Digest(spec), diffId: sha256Digest(spec) };
  const tar = tarOf(`ferry/${spec.seed.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)}`, deterministicBytes(spec.seed, spec.size));
  const blob = gzipSync(tar, { level: spec.size > 256 * 1024 * 1024 ? 0 : 1 });
  return { blob, digest: sha256Digest(blob), diffId: sha256Digest(tar) };
}

const layerCache = new Map<string, Layer>();
function cachedLayer(spec: LayerSpec): Layer {
  if (Buffer.isBuffer(spec)) return buildLayer(spec);
  const key = `${spec.seed}|${spec.size}`;
  let layer = layerCache.get(key);
  if (!layer) {
    layer = buildLayer(spec);
    // Small layers are reused across images; big ones are not worth holding.
    if (spec.size <= 8 * 1024 * 1024) layerCache.set(key, layer);
  }
  return layer;
}

export interface PushImageOptions {
  layers: LayerSpec[];
  mediaType: ImageFlavour;
  /** Extra image-config fields (e.g. `{ config: { Labels } }`), merged over the generated config. */
  config?: Record<string, unknown>;
  platform?: Platform;
  annotations?: Record<string, string>;
  /** OCI only: the manifest this one refers to (signatures, SBOMs). */
  subject?: { mediaType: string; digest: string; size: number };
  /** OCI only: an artifact type, which also makes the config the empty descriptor's media type. */
  artifactType?: string;
}

/**
 * Pushes a single-platform image (config and layer blobs, then the manifest) and tags it; `tag`
 * null pushes by digest only, as an index child is.
 */
export async function pushImage(target: RegistryTarget, repo: string, tag: string | null, opts: PushImageOptions): Promise<PushedImage> {
  const platform = opts.platform ?? { os: 'linux', architecture: 'amd64' };
  const oci = opts.mediaType === 'oci';
  const layers = opts.layers.map(cachedLayer);
  const configJson = {
    created: '2024-01-01T00:00:00Z',
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    config: {},
    ...(opts.config ?? {}),
  };
  const configBytes = Buffer.from(JSON.stringify(configJson));
  const configDigest = sha256Digest(configBytes);
  for (const layer of layers) await pushBlob(target, repo, layer.blob);
  await pushBlob(target, repo, configBytes);
  const manifestJson: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: oci ? MediaTypes.OciManifest : MediaTypes.DockerManifest,
    ...(oci && opts.artifactType ? { artifactType: opts.artifactType } : {}),
    config: { mediaType: oci ? MediaTypes.OciConfig : MediaTypes.DockerConfig, digest: configDigest, size: configBytes.length },
    layers: layers.map((l) => ({ mediaType: oci ? MediaTypes.OciLayerGzip : MediaTypes.DockerLayerGzip, digest: l.digest, size: l.blob.length })),
    ...(oci && opts.subject ? { subject: opts.subject } : {}),
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
  };
  const manifest = Buffer.from(JSON.stringify(manifestJson, null, 2));
  const mediaType = manifestJson['mediaType'] as string;
  const digest = await putManifest(target, repo, tag ?? sha256Digest(manifest), manifest, mediaType);
  return { digest, mediaType, size: manifest.length, manifest, configDigest, layerDigests: layers.map((l) => l.digest), platform };
}

/** The distinct blobs (configs and layers) of some pushed images and their total size: what a first copy of them moves. */
export function blobBytesOf(images: readonly PushedImage[]): number {
  const sizes = new Map<string, number>();
  for (const image of images) {
    const doc = JSON.parse(image.manifest.toString('utf8')) as { config: { digest: string; size: number }; layers: Array<{ digest: string; size: number }> };
    for (const d of [doc.config, ...doc.layers]) sizes.set(d.digest, d.size);
  }
  return [...sizes.values()].reduce((a, b) => a + b, 0);
}

/** What {@link pushIndex} pushed. */
export interface PushedIndex {
  digest: string;
  mediaType: string;
  size: number;
  manifest: Buffer;
  children: PushedImage[];
}

/**
 * Pushes an OCI image index (`oci`) or a Docker manifest list (`docker`) over already pushed
 * children, one entry per child with its platform.
 */
export async function pushIndex(
  target: RegistryTarget,
  repo: string,
  tag: string | null,
  children: PushedImage[],
  flavour: ImageFlavour,
): Promise<PushedIndex> {
  const mediaType = flavour === 'oci' ? MediaTypes.OciIndex : MediaTypes.DockerManifestList;
  const manifest = Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType,
        manifests: children.map((c) => ({ mediaType: c.mediaType, digest: c.digest, size: c.size, platform: c.platform })),
      },
      null,
      2,
    ),
  );
  const digest = await putManifest(target, repo, tag ?? sha256Digest(manifest), manifest, mediaType);
  return { digest, mediaType, size: manifest.length, manifest, children };
}

/** Pushes one child per platform (sharing `layers`, plus a small per-platform layer) and an index over them. */
export async function pushMultiArch(
  target: RegistryTarget,
  repo: string,
  tag: string | null,
  opts: { seed: string; platforms: Platform[]; layers: LayerSpec[]; flavour: ImageFlavour },
): Promise<PushedIndex> {
  const children: PushedImage[] = [];
  for (const platform of opts.platforms) {
    const arch = [platform.os, platform.architecture, platform.variant].filter(Boolean).join('-');
    children.push(
      await pushImage(target, repo, null, {
        mediaType: opts.flavour,
        platform,
        layers: [...opts.layers, { seed: `${opts.seed}/${arch}`, size: 4096 }],
      }),
    );
  }
  return pushIndex(target, repo, tag, children, opts.flavour);
}
