import type { Readable } from 'node:stream';
import * as blobs from './blobs';
import type { Descriptor, ManifestLimits } from './manifest-document';
import * as manifests from './manifests';
import type { ManifestBytes, ManifestHead } from './manifests';
import * as referrers from './referrers';
import type { RegistryError } from './registry-error';
import { RegistryTransport, type RegistryClientOptions } from './registry-transport';
import * as tags from './tags';

export type { RegistryClientOptions, RegistryExchange } from './registry-transport';
export type { ManifestHead, ManifestBytes } from './manifests';

type BlobBody = Buffer | Readable | AsyncIterable<Uint8Array>;

/**
 * A client of one registry's OCI distribution API: the transport (auth, retries, timeouts,
 * cancel, stable error codes; `registry-transport.ts`) and the resources built on it, one file
 * each (`tags.ts`, `manifests.ts`, `blobs.ts`, `referrers.ts`). Manifests travel as exact bytes;
 * blobs as streams.
 */
export class RegistryClient {
  private readonly t: RegistryTransport;

  constructor(opts: RegistryClientOptions) {
    this.t = new RegistryTransport(opts);
  }

  get host(): string {
    return this.t.host;
  }
  /** `scheme://host`, once known. */
  get baseUrl(): string {
    return this.t.baseUrl;
  }
  asRegistryError(error: unknown, what: string): RegistryError {
    return this.t.asRegistryError(error, what);
  }
  withRetries<T>(operation: () => Promise<T>): Promise<T> {
    return this.t.withRetries(operation);
  }
  grantedActions(repo: string, actions: readonly string[]): Promise<string[] | null> {
    return this.t.grantedActions(repo, actions);
  }

  listTags(repo: string, opts?: { pageSize?: number; missingOk?: boolean }): Promise<string[] | null> {
    return tags.listTags(this.t, repo, opts);
  }
  deleteTag(repo: string, tag: string): Promise<void> {
    return tags.deleteTag(this.t, repo, tag);
  }

  headManifest(repo: string, reference: string): Promise<ManifestHead | null> {
    return manifests.headManifest(this.t, repo, reference);
  }
  getManifest(repo: string, reference: string, opts?: { maxBytes?: number }): Promise<ManifestBytes> {
    return manifests.getManifest(this.t, repo, reference, opts);
  }
  putManifest(repo: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    return manifests.putManifest(this.t, repo, reference, bytes, mediaType);
  }
  deleteManifest(repo: string, digest: string): Promise<void> {
    return manifests.deleteManifest(this.t, repo, digest);
  }

  headBlob(repo: string, digest: string): Promise<number | null> {
    return blobs.headBlob(this.t, repo, digest);
  }
  getBlob(repo: string, digest: string): Promise<{ body: Readable; size: number }> {
    return blobs.getBlob(this.t, repo, digest);
  }
  mountBlob(repo: string, digest: string, fromRepo: string): Promise<{ mounted: true } | { mounted: false; location: string }> {
    return blobs.mountBlob(this.t, repo, digest, fromRepo);
  }
  startUpload(repo: string): Promise<string> {
    return blobs.startUpload(this.t, repo);
  }
  putBlob(repo: string, location: string, digest: string, size: number, body: BlobBody): Promise<void> {
    return blobs.putBlob(this.t, repo, location, digest, size, body);
  }
  patchBlobChunk(repo: string, location: string, offset: number, length: number, chunk: BlobBody): Promise<string> {
    return blobs.patchBlobChunk(this.t, repo, location, offset, length, chunk);
  }
  finishUpload(repo: string, location: string, digest: string): Promise<void> {
    return blobs.finishUpload(this.t, repo, location, digest);
  }

  listReferrers(repo: string, digest: string): Promise<Descriptor[] | null> {
    return referrers.listReferrers(this.t, repo, digest);
  }
  putReferrersTagIndex(repo: string, tag: string, list: Descriptor[], limits: ManifestLimits): Promise<void> {
    return referrers.putReferrersTagIndex(this.t, repo, tag, list, limits);
  }
}
