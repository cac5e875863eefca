import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { blobDataPath, layerLinkPath } from '@ferry/proxy-cache';
import { BlobFill } from './blob-fill';
import { TargetStorage } from './target-storage';

const bytes = Buffer.from('a blob the front writes into the registry\'s storage');
const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const files = (root: string) => readdirSync(root, { recursive: true, withFileTypes: true }).filter((f) => !f.isDirectory()).map((f) => f.name);

describe("the target's storage, written and read in docker-registry's layout", () => {
  const root = mkdtempSync(join(tmpdir(), 'ferry-target-storage-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('stores a fill as the blob and its link, and reads it back for that repository only', async () => {
    const storage = new TargetStorage(root);
    const fill = new BlobFill(digest, bytes.length, Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]), (body) => storage.writeBlob('cache/app', digest, body));
    await fill.done;
    assert.ok(readFileSync(blobDataPath(root, digest)).equals(bytes));
    assert.equal(readFileSync(layerLinkPath(root, 'cache/app', digest), 'utf8'), digest);
    const held = await storage.openLinkedBlob('cache/app', digest);
    assert.equal(held?.size, bytes.length);
    await held?.handle.close();
    assert.equal(await storage.openLinkedBlob('cache/other', digest), null, 'another repository does not link it');
    assert.equal(await storage.hasBlob('cache/other', digest), false);
    assert.equal(await storage.hasManifest('cache/app', digest), false);
    assert.equal(await storage.hasManifest('cache/app', 'latest'), false);
    assert.deepEqual(readdirSync(join(root, 'ferry-front-fills')), [], 'no partial file stays');
  });

  it('leaves neither file nor link of a fill whose bytes are not the digest, or that is cut off', async () => {
    const wrongRoot = mkdtempSync(join(root, 'wrong-'));
    const storage = new TargetStorage(wrongRoot);
    const wrong = new BlobFill(digest, bytes.length, Readable.from([Buffer.alloc(bytes.length, 1)]), (body) => storage.writeBlob('cache/app', digest, body));
    await assert.rejects(wrong.done);
    const cut = new PassThrough();
    const broken = new BlobFill(digest, bytes.length, cut, (body) => storage.writeBlob('cache/app', digest, body));
    cut.write(bytes.subarray(0, 10));
    setImmediate(() => cut.destroy(new Error('connection reset')));
    await assert.rejects(broken.done);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(files(wrongRoot), []);
  });
});
