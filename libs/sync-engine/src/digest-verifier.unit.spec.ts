import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { RegistryError } from '@ferry/registry-client';
import { verifiedBlobBytes } from './digest-verifier';

const chunks = [Buffer.from('first '), Buffer.from('second '), Buffer.from('last')];
const whole = Buffer.concat(chunks);
const digestOf = (bytes: Buffer, algorithm = 'sha256') => `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;

async function* source(parts: Buffer[], failAfter?: Error): AsyncGenerator<Buffer> {
  for (const part of parts) yield part;
  if (failAfter) throw failAfter;
}

/** Drains the verified stream, keeping what it passed on before it ended or failed. */
async function drain(stream: AsyncIterable<Buffer>): Promise<{ passed: Buffer; error?: unknown }> {
  const passed: Buffer[] = [];
  try {
    for await (const chunk of stream) passed.push(chunk);
    return { passed: Buffer.concat(passed) };
  } catch (error) {
    return { passed: Buffer.concat(passed), error };
  }
}

describe('verifiedBlobBytes', () => {
  it('passes every byte on, in order, when digest and size match, and reports progress', async () => {
    let progress = 0;
    const { passed, error } = await drain(verifiedBlobBytes(source(chunks), { digest: digestOf(whole), size: whole.length }, { onBytes: (n) => (progress += n) }));
    assert.equal(error, undefined);
    assert.deepEqual(passed, whole);
    assert.equal(progress, whole.length);
  });

  it('checks sha512 digests too', async () => {
    const { passed, error } = await drain(verifiedBlobBytes(source(chunks), { digest: digestOf(whole, 'sha512'), size: -1 }));
    assert.equal(error, undefined);
    assert.deepEqual(passed, whole);
  });

  it('fails with a retryable DIGEST_MISMATCH before passing on the last bytes of a corrupt blob', async () => {
    const corrupt = [chunks[0]!, chunks[1]!, Buffer.from('lass')];
    const { passed, error } = await drain(verifiedBlobBytes(source(corrupt), { digest: digestOf(whole), size: whole.length }));
    assert.ok(error instanceof RegistryError);
    assert.equal(error.code, 'DIGEST_MISMATCH');
    assert.equal(error.retryable, true);
    assert.ok(passed.length < whole.length, `passed ${passed.length} of ${whole.length} bytes`);
  });

  it('fails as soon as the blob runs past its size, and when it ends short', async () => {
    const long = await drain(verifiedBlobBytes(source([...chunks, Buffer.from('more')]), { digest: digestOf(whole), size: whole.length }));
    assert.equal((long.error as RegistryError).code, 'DIGEST_MISMATCH');
    assert.match((long.error as RegistryError).message, /more than 17 bytes/);
    const short = await drain(verifiedBlobBytes(source(chunks.slice(0, 2)), { digest: digestOf(whole), size: whole.length }));
    assert.equal((short.error as RegistryError).code, 'DIGEST_MISMATCH');
    assert.ok(short.passed.length < whole.length);
  });

  it('hands errors of the source to sourceFailure, and lets its own pass unchanged', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const named = new RegistryError('UPSTREAM_UNREACHABLE', 'GET blob from upstream: reset', { retryable: true });
    const failed = await drain(verifiedBlobBytes(source(chunks, reset), { digest: digestOf(whole), size: -1 }, { sourceFailure: () => named }));
    assert.equal(failed.error, named);
  });

  it('refuses a digest algorithm it cannot check', async () => {
    const { error } = await drain(verifiedBlobBytes(source(chunks), { digest: 'md5:0123', size: -1 }));
    assert.equal((error as RegistryError).code, 'UNSUPPORTED_DIGEST');
  });
});
