import { pushImage, pushMultiArch, type LayerSpec } from './image-builder';
import type { RegistryTarget } from './registry-api';

/** The single-image tags of Quay's documentation example, in the order they are pushed. */
export const QUAY_EXAMPLE_TAGS = ['v3.1', 'v3.2', 'v3.2-4beta', 'v3.3', 'v32', 'v4.0'] as const;
/** The multi-arch tags the seeded repository also holds. */
export const QUAY_EXAMPLE_INDEX_TAGS = { ociIndex: 'multiarch-oci', dockerList: 'multiarch-docker' } as const;

const BASE_LAYERS: LayerSpec[] = [
  { seed: 'quay-example/base-os', size: 192 * 1024 },
  { seed: 'quay-example/base-runtime', size: 64 * 1024 },
];

/**
 * Seeds `repo` with Quay's example tags (v3.1, v3.2, v3.2-4beta, v3.3, v32, v4.0; Docker schema2
 * and OCI manifests alternating, sharing two base layers, one small layer of their own each), an
 * OCI index `multiarch-oci` (linux/amd64, linux/arm64, linux/arm/v7) and a Docker manifest list
 * `multiarch-docker` (linux/amd64, linux/arm64). `variant` changes every tag's own layer, so a
 * second call with another variant moves every tag. Returns tag → manifest digest.
 */
export async function seedQuayExampleRepository(target: RegistryTarget, repo: string, variant = ''): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const [i, tag] of QUAY_EXAMPLE_TAGS.entries()) {
    const image = await pushImage(target, repo, tag, {
      mediaType: i % 2 === 0 ? 'docker' : 'oci',
      layers: [...BASE_LAYERS, { seed: `quay-example/${tag}${variant}`, size: 8 * 1024 }],
      config: { config: { Labels: { tag } } },
    });
    digests[tag] = image.digest;
  }
  const oci = await pushMultiArch(target, repo, QUAY_EXAMPLE_INDEX_TAGS.ociIndex, {
    seed: `quay-example/oci${variant}`,
    flavour: 'oci',
    layers: BASE_LAYERS,
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ],
  });
  digests[QUAY_EXAMPLE_INDEX_TAGS.ociIndex] = oci.digest;
  const docker = await pushMultiArch(target, repo, QUAY_EXAMPLE_INDEX_TAGS.dockerList, {
    seed: `quay-example/docker${variant}`,
    flavour: 'docker',
    layers: BASE_LAYERS,
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
  });
  digests[QUAY_EXAMPLE_INDEX_TAGS.dockerList] = docker.digest;
  return digests;
}
