import { Transform, type TransformCallback } from 'node:stream';
import { createHash, type Hash } from 'node:crypto';

/**
 * Passes bytes through while hashing them; fails the stream at its end when the sha256 or the
 * length is not what the descriptor promised, so an upload fed from it is aborted rather than
 * committed.
 */
export class DigestVerifier extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  constructor(
    private readonly expectedDigest: string,
    private readonly expectedSize: number,
    private readonly onBytes?: (n: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes?.(chunk.length);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const actual = `sha256:${this.hash.digest('hex')}`;
    if (actual !== this.expectedDigest || (this.expectedSize >= 0 && this.bytes !== this.expectedSize)) {
      const error = Object.assign(new Error(`blob ${this.expectedDigest} arrived as ${actual} (${this.bytes} bytes)`), { code: 'DIGEST_MISMATCH' });
      callback(error);
      return;
    }
    callback();
  }
}
