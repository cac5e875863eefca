import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { blobDataPath, fillTempDirectory, isDigest, isStorableDigest, layerLinkPath, manifestRevisionLinkPath, tagCurrentLinkPath } from '@ferry/proxy-cache';

async function readLink(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return null;
  }
}

/**
 * The target registry's storage (`docker-registry`'s filesystem driver root, mounted into the
 * front), read as the registry reads it: a repository holds a blob while its `_layers` link names
 * it, a manifest while its revision link (or the tag's current link) does. Whatever is not there
 * as the registry would find it is left to the registry (the caller asks it, as without storage).
 */
export class TargetStorage {
  constructor(readonly root: string) {}

  /** The blob's bytes, opened, when the repository links it and they are there; else null. The caller closes the handle. */
  async openLinkedBlob(name: string, digest: string): Promise<{ handle: FileHandle; size: number } | null> {
    if (!isStorableDigest(digest) || (await readLink(layerLinkPath(this.root, name, digest))) !== digest) return null;
    let handle: FileHandle;
    try {
      handle = await open(blobDataPath(this.root, digest), 'r');
    } catch {
      return null;
    }
    try {
      const stats = await handle.stat();
      if (stats.isFile()) return { handle, size: stats.size };
    } catch {
      // Unreadable: as good as absent.
    }
    await handle.close();
    return null;
  }

  async hasBlob(name: string, digest: string): Promise<boolean> {
    const opened = await this.openLinkedBlob(name, digest);
    await opened?.handle.close();
    return opened !== null;
  }

  /** Whether the repository holds the manifest (a digest) or the tag: if not, the registry answers 404 too. */
  async hasManifest(name: string, reference: string): Promise<boolean> {
    if (isDigest(reference)) return isStorableDigest(reference) && (await readLink(manifestRevisionLinkPath(this.root, name, reference))) === reference;
    return (await readLink(tagCurrentLinkPath(this.root, name, reference))) !== null;
  }

  /** Whether the storage's answer for the reference is the registry's: a tag, or a digest of an algorithm the layout has (others are the registry's to judge). */
  canTell(reference: string): boolean {
    return !isDigest(reference) || isStorableDigest(reference);
  }

  /**
   * Stores a blob as it streams by, behind the registry's back but in its layout: the bytes into
   * a file of the front's own (outside the tree the registry reads), renamed into the blob's place
   * once the stream has ended, then linked into the repository. The stream ends only after the
   * fill verified the digest; a stream that fails (cut off, or destroyed for a wrong digest)
   * leaves no file and no link. A second fill of the same blob renames the same bytes over it.
   */
  async writeBlob(name: string, digest: string, body: Readable): Promise<void> {
    const temp = fillTempDirectory(this.root);
    await mkdir(temp, { recursive: true });
    const partial = join(temp, randomUUID());
    try {
      await pipeline(body, createWriteStream(partial, { highWaterMark: 1 << 20 }));
      const data = blobDataPath(this.root, digest);
      await mkdir(dirname(data), { recursive: true });
      await rename(partial, data);
    } catch (error) {
      await unlink(partial).catch(() => undefined);
      throw error;
    }
    await this.link(layerLinkPath(this.root, name, digest), digest);
  }

  /** A link written whole or not at all (a reader never sees half a digest). */
  private async link(path: string, digest: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const partial = join(fillTempDirectory(this.root), `${randomUUID()}.link`);
    try {
      await writeFile(partial, digest);
      await rename(partial, path);
    } catch (error) {
      await unlink(partial).catch(() => undefined);
      throw error;
    }
  }
}
