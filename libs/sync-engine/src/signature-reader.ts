import { RegistryError, type Descriptor } from '@ferry/registry-client';
import {
  COSIGN_CERTIFICATE_ANNOTATION,
  COSIGN_REKOR_BUNDLE_ANNOTATION,
  COSIGN_SIGNATURE_ANNOTATION,
  SIGSTORE_BUNDLE_ARTIFACT_TYPE_PREFIX,
  SIMPLE_SIGNING_MEDIA_TYPE,
  type ImageSignatures,
  type SignatureReader,
} from '@ferry/trust-policy';
import { digestTag } from './companions';
import type { SyncSession } from './sync-session';

/** A signature payload or bundle larger than this is not read (cosign's are a few KiB). */
const MAX_SIGNATURE_BYTES = 1 << 20;

/**
 * Reads an image's signatures from the upstream, where the run found it: the cosign tag scheme
 * (`sha256-<hex>.sig`: a manifest whose layers are simple-signing payloads, each signature in a
 * layer annotation) and OCI 1.1 referrers carrying Sigstore bundles (from the referrers API, or
 * the `sha256-<hex>` fallback tag where the upstream has no such API).
 */
export class UpstreamSignatureReader implements SignatureReader {
  constructor(
    private readonly session: SyncSession,
    private readonly upstreamTags: ReadonlySet<string>,
  ) {}

  async read(digest: string): Promise<ImageSignatures> {
    const [layers, bundles] = await Promise.all([this.cosignLayers(digest), this.bundles(digest)]);
    return { layers, bundles };
  }

  private async cosignLayers(digest: string): Promise<ImageSignatures['layers']> {
    const tag = digestTag(digest, '.sig');
    if (!this.upstreamTags.has(tag)) return [];
    const { upstream, upstreamRepo, limits } = this.session;
    const manifest = await upstream.getManifest(upstreamRepo, tag, { maxBytes: limits.maxManifestBytes });
    const layers = (JSON.parse(manifest.bytes.toString('utf8')) as { layers?: Descriptor[] }).layers ?? [];
    const signed = layers.filter((l) => l.mediaType === SIMPLE_SIGNING_MEDIA_TYPE && l.annotations?.[COSIGN_SIGNATURE_ANNOTATION] !== undefined);
    return Promise.all(
      signed.map(async (l) => ({
        digest: l.digest,
        payload: await this.blob(l),
        signature: l.annotations![COSIGN_SIGNATURE_ANNOTATION]!,
        ...(l.annotations?.[COSIGN_CERTIFICATE_ANNOTATION] ? { certificate: l.annotations[COSIGN_CERTIFICATE_ANNOTATION] } : {}),
        ...(l.annotations?.[COSIGN_REKOR_BUNDLE_ANNOTATION] ? { rekorBundle: l.annotations[COSIGN_REKOR_BUNDLE_ANNOTATION] } : {}),
      })),
    );
  }

  private async bundles(digest: string): Promise<ImageSignatures['bundles']> {
    const { upstream, upstreamRepo, limits } = this.session;
    let referrers = await this.session.upstreamReferrers(digest);
    if (referrers === null) {
      const fallback = digestTag(digest, '');
      if (!this.upstreamTags.has(fallback)) return [];
      const index = await upstream.getManifest(upstreamRepo, fallback, { maxBytes: limits.maxManifestBytes });
      referrers = (JSON.parse(index.bytes.toString('utf8')) as { manifests?: Descriptor[] }).manifests ?? [];
    }
    const bundles = referrers.filter((r) => r.artifactType?.startsWith(SIGSTORE_BUNDLE_ARTIFACT_TYPE_PREFIX));
    return Promise.all(
      bundles.map(async (r) => {
        const m = await upstream.getManifest(upstreamRepo, r.digest, { maxBytes: limits.maxManifestBytes });
        const layer = ((JSON.parse(m.bytes.toString('utf8')) as { layers?: Descriptor[] }).layers ?? [])[0];
        return { digest: r.digest, json: layer ? (await this.blob(layer)).toString('utf8') : '' };
      }),
    );
  }

  private async blob(d: Descriptor): Promise<Buffer> {
    if (d.size > MAX_SIGNATURE_BYTES) throw new RegistryError('SIGNATURE_TOO_LARGE', `signature blob ${d.digest} has ${d.size} bytes, more than ${MAX_SIGNATURE_BYTES}`);
    const { body } = await this.session.upstream.getBlob(this.session.upstreamRepo, d.digest);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > MAX_SIGNATURE_BYTES) {
        body.destroy();
        throw new RegistryError('SIGNATURE_TOO_LARGE', `signature blob ${d.digest} is larger than ${MAX_SIGNATURE_BYTES} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }
}
