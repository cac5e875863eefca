import { createHash } from 'node:crypto';
import { RegistryError, RegistryErrorCode } from '@ferry/registry-client';

/** What a blob's descriptor promises. */
export interface ExpectedBlob {
  digest: string;
  /** Bytes; negative when unknown. */
  size: number;
}

const SUPPORTED_ALGORITHMS = new Set(['sha256', 'sha512']);

/**
 * The bytes of a blob as they stream in, hashed on the way. Each chunk is passed on only once the
 * next one has arrived, and the last only after the whole blob matched its digest and size: a
 * target is never sent every byte of a corrupt blob, so it can never commit one, whether the
 * upload is one PUT or a series of chunks.
 *
 * A mismatch is a retryable DIGEST_MISMATCH (the next GET may bring the right bytes). Errors of
 * the source (the upstream connection) go through `sourceFailure`, so that they name the upstream.
 */
export async function* verifiedBlobBytes(
  source: AsyncIterable<Buffer>,
  expected: ExpectedBlob,
  opts: { onBytes?: (n: number) => void; sourceFailure?: (error: unknown) => Error } = {},
): AsyncGenerator<Buffer, void, undefined> {
  const algorithm = expected.digest.slice(0, expected.digest.indexOf(':'));
  if (!SUPPORTED_ALGORITHMS.has(algorithm)) {
    throw new RegistryError(RegistryErrorCode.UnsupportedDigest, `blob ${expected.digest}: digest algorithm not supported (sha256 and sha512 are)`);
  }
  const hash = createHash(algorithm);
  let received = 0;
  let held: Buffer | undefined;
  const mismatch = (actual: string) =>
    new RegistryError(RegistryErrorCode.DigestMismatch, `blob ${expected.digest} arrived as ${actual} (${received} bytes)`, { retryable: true });
  try {
    for await (const chunk of source) {
      hash.update(chunk);
      received += chunk.length;
      if (expected.size >= 0 && received > expected.size) throw mismatch(`more than ${expected.size} bytes`);
      opts.onBytes?.(chunk.length);
      if (held) yield held;
      held = chunk;
    }
  } catch (error) {
    if (error instanceof RegistryError || !opts.sourceFailure) throw error;
    throw opts.sourceFailure(error);
  }
  const actual = `${algorithm}:${hash.digest('hex')}`;
  if (actual !== expected.digest || (expected.size >= 0 && received !== expected.size)) throw mismatch(actual);
  if (held) yield held;
}
