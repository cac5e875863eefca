import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { BlobFill, FillFailedError } from './blob-fill';

const bytes = Buffer.from('a blob of some length, sent in pieces');
const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function readAll(fill: BlobFill): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of fill.read()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A store that keeps what it was given, as the target's upload would. */
function keeper(): { store: (body: Readable) => Promise<void>; kept: () => Buffer } {
  const chunks: Buffer[] = [];
  return {
    store: async (body) => {
      for await (const chunk of body) chunks.push(chunk as Buffer);
    },
    kept: () => Buffer.concat(chunks),
  };
}

describe('one fill of a blob for every client that asks meanwhile', () => {
  it('gives a client that joins mid-fill every byte from the first, and stores them once', async () => {
    const upstream = new PassThrough();
    const target = keeper();
    const fill = new BlobFill(digest, bytes.length, upstream, target.store);
    const first = readAll(fill);
    upstream.write(bytes.subarray(0, 10));
    await new Promise((r) => setImmediate(r));
    const late = readAll(fill);
    upstream.end(bytes.subarray(10));
    assert.deepEqual(await first, bytes);
    assert.deepEqual(await late, bytes);
    await fill.done;
    assert.deepEqual(target.kept(), bytes);
  });

  it('cuts every client off and fails the store when the bytes are not the digest', async () => {
    const wrong = Buffer.from(bytes);
    wrong[0] = wrong[0]! ^ 1;
    let storeFailed = false;
    const fill = new BlobFill(digest, bytes.length, Readable.from([wrong]), async (body) => {
      try {
        for await (const _ of body) void _;
      } catch {
        storeFailed = true;
        throw new Error('upload cancelled');
      }
    });
    await assert.rejects(readAll(fill), FillFailedError);
    await assert.rejects(fill.done, FillFailedError);
    assert.equal(storeFailed, true);
  });

  it('cuts every client off when the upstream breaks off mid-blob', async () => {
    const upstream = new PassThrough();
    const fill = new BlobFill(digest, bytes.length, upstream, keeper().store);
    const reading = readAll(fill);
    upstream.write(bytes.subarray(0, 5));
    await new Promise((r) => setImmediate(r));
    upstream.destroy(new Error('connection reset'));
    await assert.rejects(reading, /failed after 5 bytes/);
    await assert.rejects(fill.done);
  });
  it('fails quietly when the upstream breaks off before the target\'s upload has taken the stream', async () => {
    const upstream = new PassThrough();
    const fill = new BlobFill(digest, bytes.length, upstream, async (body) => {
      // The upload session is still opening when the upstream fails.
      await new Promise((r) => setTimeout(r, 50));
      for await (const _ of body) void _;
    });
    upstream.write(bytes.subarray(0, 5));
    upstream.destroy(new Error('other side closed'));
    await assert.rejects(fill.done, /failed after/);
    await new Promise((r) => setTimeout(r, 100));
  });
});
