import type { Readable } from 'node:stream';
import { RegistryError, type Descriptor, type RegistryClient } from '@ferry/registry-client';
import { ConcurrencyLimit } from './concurrency-limit';
import { verifiedBlobBytes } from './digest-verifier';

/** Drops a stream; its abort error has a listener so that it cannot surface as uncaught. */
function discard(stream: Readable): void {
  stream.on('error', () => {});
  stream.destroy();
}

/** Where blobs come from and go to, and how they travel. */
export interface BlobCopierOptions {
  upstream: RegistryClient;
  upstreamRepo: string;
  target: RegistryClient;
  targetRepo: string;
  concurrency: number;
  /** Target repositories to try a cross-repository mount from before uploading. */
  mountFrom: string[];
  chunkedThresholdBytes: number;
  chunkSizeBytes: number;
  /** Bytes newly on their way to the target: counted once per blob however often a transfer is tried. */
  onBytes?: (n: number) => void;
  /** The bytes the copier knows it must copy changed by `delta` (a blob queued: +size; found on the target: -size). */
  onPlanned?: (delta: number) => void;
  /** Called as each blob's copy ends. */
  onBlob?: (record: BlobCopyRecord) => void;
}

/** How one blob's copy went, reported as it ends (for per-blob spans and metrics). */
export interface BlobCopyRecord {
  digest: string;
  /** From the manifest's descriptor (-1 when it gave none). */
  size: number;
  /** `skipped`: the target repository held it; `mounted`: from another repository of the target; `uploaded`; `failed`. */
  outcome: 'skipped' | 'mounted' | 'uploaded' | 'failed';
  bytesUploaded: number;
  /** Transfers started again after a transient failure. */
  retries: number;
  /** Epoch milliseconds, once the copy had its turn among the blobs copied at once. */
  startedAt: number;
  durationMs: number;
  errorCode?: string;
}

/** Counters of one copier, for tests and the report. */
export interface BlobCopierStats {
  uploaded: number;
  mounted: number;
  present: number;
  bytes: number;
}

/**
 * Copies blobs from the upstream to the target repository, each at most once per run however
 * many tags need it at the same time: an existence check (a mount from the target repository
 * itself), then a cross-repository mount when a candidate repository may hold it, else a streamed, sha256-verified upload (one PUT for most
 * blobs, chunks for big ones). A failed transfer is retried whole, from a fresh upstream GET.
 */
export class BlobCopier {
  readonly stats: BlobCopierStats = { uploaded: 0, mounted: 0, present: 0, bytes: 0 };
  /**
   * The target repository held no tags when the run began, so it almost never holds a blob: the
   * upstream GET then starts together with the target's existence check instead of after it,
   * which takes a round trip off every blob of a first sync.
   */
  targetEmpty = false;
  private readonly inflight = new Map<string, Promise<number>>();
  /** Per blob, the most bytes any transfer of it reached: a retried transfer counts only beyond that. */
  private readonly counted = new Map<string, number>();
  private readonly limit: ConcurrencyLimit;

  constructor(private readonly o: BlobCopierOptions) {
    this.limit = new ConcurrencyLimit(o.concurrency);
  }

  /** Copies a blob unless the target has it; resolves with the bytes uploaded (0 when none). */
  copy(d: Descriptor): Promise<number> {
    const existing = this.inflight.get(d.digest);
    // Only the first asker counts the bytes, so a shared blob is counted once in the run's total.
    if (existing) return existing.then(() => 0);
    if (!this.counted.has(d.digest)) {
      this.counted.set(d.digest, 0);
      if (d.size > 0) this.o.onPlanned?.(d.size);
    }
    // Biggest first: the run cannot end before its biggest blob has moved, so that one starts first.
    const p = this.limit.run(() => this.copyReported(d), d.size);
    this.inflight.set(d.digest, p);
    // A failed copy may be asked for again by a later tag; a successful one never needs redoing.
    p.catch(() => this.inflight.delete(d.digest));
    return p;
  }

  /** Copies one blob and reports how it went. */
  private async copyReported(d: Descriptor): Promise<number> {
    const startedAt = Date.now();
    const attempt = { outcome: 'uploaded' as BlobCopyRecord['outcome'], retries: 0 };
    const report = (outcome: BlobCopyRecord['outcome'], bytesUploaded: number, errorCode?: string) =>
      this.o.onBlob?.({ digest: d.digest, size: d.size, outcome, bytesUploaded, retries: attempt.retries, startedAt, durationMs: Date.now() - startedAt, ...(errorCode ? { errorCode } : {}) });
    try {
      const bytes = await this.copyOnce(d, attempt);
      if (attempt.outcome !== 'uploaded' && d.size > 0) this.o.onPlanned?.(-d.size);
      report(attempt.outcome, bytes);
      return bytes;
    } catch (error) {
      report('failed', 0, typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'INTERNAL');
      throw error;
    }
  }

  private async copyOnce(d: Descriptor, attempt: { outcome: BlobCopyRecord['outcome']; retries: number }): Promise<number> {
    const { target, targetRepo, upstream, upstreamRepo } = this.o;
    let download = this.targetEmpty && this.o.mountFrom.length === 0 ? upstream.getBlob(upstreamRepo, d.digest) : undefined;
    download?.catch(() => undefined);
    // A mount from the repository itself answers "present" (201) or opens the upload session
    // (202) in one request, where HEAD then POST would take two.
    const self = await target.mountBlob(targetRepo, d.digest, targetRepo).catch((error: unknown) => {
      void download?.then(({ body }) => discard(body), () => undefined);
      throw error;
    });
    if (self.mounted) {
      void download?.then(({ body }) => discard(body), () => undefined);
      this.stats.present++;
      attempt.outcome = 'skipped';
      return 0;
    }
    let location: string | undefined = self.location;
    for (const from of this.o.mountFrom) {
      if (from === targetRepo) continue;
      const mount = await target.mountBlob(targetRepo, d.digest, from);
      if (mount.mounted) {
        this.stats.mounted++;
        attempt.outcome = 'mounted';
        return 0;
      }
      location = mount.location;
    }
    let tries = 0;
    return target.withRetries(async () => {
      if (tries++ > 0) attempt.retries++;
      // Only the first attempt uses the session and the GET opened above: a retry starts over with
      // a new upload session (a failed PUT may have ended the old one) and a fresh upstream GET.
      const [session, started] = [location, download];
      [location, download] = [undefined, undefined];
      return this.upload(d, session, started);
    });
  }

  private async upload(d: Descriptor, existingLocation: string | undefined, started: Promise<{ body: Readable; size: number }> | undefined): Promise<number> {
    const { upstream, upstreamRepo, target, targetRepo } = this.o;
    let location: string;
    try {
      location = existingLocation ?? (await target.startUpload(targetRepo));
    } catch (error) {
      void started?.then(({ body }) => discard(body), () => undefined);
      throw error;
    }
    const { body, size: served } = await (started ?? upstream.getBlob(upstreamRepo, d.digest));
    const size = d.size >= 0 ? d.size : served;
    if (served >= 0 && served !== size) {
      discard(body);
      throw new RegistryError('SIZE_MISMATCH', `blob ${d.digest} is ${served} bytes upstream, the manifest says ${size}`);
    }
    let moved = 0;
    const bytes = verifiedBlobBytes(body, { digest: d.digest, size }, {
      onBytes: (n) => {
        moved += n;
        const before = this.counted.get(d.digest) ?? 0;
        if (moved <= before) return;
        this.counted.set(d.digest, moved);
        this.o.onBytes?.(moved - before);
      },
      sourceFailure: (error) => upstream.asRegistryError(error, `GET blob ${upstream.host}/${upstreamRepo}@${d.digest}`),
    });
    try {
      if (size <= this.o.chunkedThresholdBytes) await target.putBlob(targetRepo, location, d.digest, size, bytes);
      else await this.uploadChunks(location, d.digest, size, bytes);
    } catch (error) {
      discard(body);
      throw error;
    }
    this.stats.uploaded++;
    this.stats.bytes += size;
    return size;
  }

  /**
   * PATCHes fixed-size chunks, each streamed straight from the upstream (nothing is held in
   * memory, however big the chunk), then closes with a PUT. The source yields its last bytes only
   * once the digest matched, so a corrupt blob never reaches the closing PUT.
   */
  private async uploadChunks(start: string, digest: string, size: number, source: AsyncIterable<Buffer>): Promise<void> {
    const { target, targetRepo, chunkSizeBytes } = this.o;
    const pieces = source[Symbol.asyncIterator]();
    let leftover: Buffer | null = null;
    let location = start;
    let offset = 0;
    while (offset < size) {
      const length = Math.min(chunkSizeBytes, size - offset);
      let remaining = length;
      const chunk = async function* (): AsyncGenerator<Buffer> {
        while (remaining > 0) {
          let buf = leftover;
          leftover = null;
          if (!buf) {
            const next = await pieces.next();
            if (next.done) throw new RegistryError('SIZE_MISMATCH', `blob ${digest} ended before ${size} bytes`);
            buf = next.value;
          }
          if (buf.length > remaining) {
            leftover = buf.subarray(remaining);
            buf = buf.subarray(0, remaining);
          }
          remaining -= buf.length;
          yield buf;
        }
      };
      location = await target.patchBlobChunk(targetRepo, location, offset, length, chunk());
      offset += length;
    }
    // The source must end exactly here.
    const end = leftover ? { done: false } : await pieces.next();
    if (!end.done) throw new RegistryError('SIZE_MISMATCH', `blob ${digest} is longer than ${size} bytes`);
    await target.finishUpload(targetRepo, location, digest);
  }
}
