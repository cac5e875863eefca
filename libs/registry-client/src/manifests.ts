import { createHash } from 'node:crypto';
import { MANIFEST_ACCEPT } from './media-types';
import { RegistryError, RegistryErrorCode } from './registry-error';
import { pullScope, pushScope, type RegistryTransport } from './registry-transport';

/** A manifest's identity as a HEAD returns it. */
export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

/** A manifest as stored: the exact bytes, never re-serialized. */
export interface ManifestBytes extends ManifestHead {
  bytes: Buffer;
}

/** The sha256 digest of bytes, as registries name content (`sha256:<hex>`). */
export function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** HEAD of a manifest by tag or digest; null when unknown (a 404 is an answer here, not a failure). */
export async function headManifest(t: RegistryTransport, repo: string, reference: string): Promise<ManifestHead | null> {
  try {
    const res = await t.send({
      method: 'HEAD',
      path: `/v2/${repo}/manifests/${reference}`,
      scope: pullScope(repo),
      headers: { accept: MANIFEST_ACCEPT },
      ok: [200, 404],
      what: `HEAD manifest ${t.host}/${repo}:${reference}`,
    });
    await res.body.dump();
    if (res.statusCode === 404) return null;
    const digest = res.headers['docker-content-digest'];
    if (typeof digest !== 'string') return null;
    return { digest, mediaType: String(res.headers['content-type'] ?? ''), size: Number(res.headers['content-length'] ?? 0) };
  } catch (error) {
    if (error instanceof RegistryError && (error.status === 404 || error.code === 'MANIFEST_UNKNOWN')) return null;
    throw error;
  }
}

/**
 * GET of a manifest: the exact bytes, refused above `maxBytes`, and checked against the digest
 * when the reference is one.
 */
export function getManifest(t: RegistryTransport, repo: string, reference: string, opts: { maxBytes?: number } = {}): Promise<ManifestBytes> {
  const maxBytes = opts.maxBytes ?? 10 * 1024 * 1024;
  const what = `GET manifest ${t.host}/${repo}:${reference}`;
  return t.withRetries(async () => {
    const res = await t.sendOnce({
      method: 'GET',
      path: `/v2/${repo}/manifests/${reference}`,
      scope: pullScope(repo),
      headers: { accept: MANIFEST_ACCEPT },
      ok: [200],
      what,
    });
    const declared = Number(res.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      res.body.on('error', () => {});
      res.body.destroy();
      throw new RegistryError(RegistryErrorCode.ManifestTooLarge, `${what}: manifest of ${declared} bytes exceeds the limit of ${maxBytes}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          res.body.on('error', () => {});
          res.body.destroy();
          throw new RegistryError(RegistryErrorCode.ManifestTooLarge, `${what}: manifest exceeds the limit of ${maxBytes} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      throw t.asRegistryError(error, what);
    }
    const bytes = Buffer.concat(chunks);
    const digest = digestOf(bytes);
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw new RegistryError(RegistryErrorCode.DigestMismatch, `${what}: content has digest ${digest}`, { retryable: true });
    }
    const mediaType = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
    return { bytes, digest, mediaType, size: bytes.length };
  });
}

/** Pushes manifest bytes as they are under a tag or digest; returns the digest the registry computed. */
export async function putManifest(t: RegistryTransport, repo: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
  const res = await t.send({
    method: 'PUT',
    path: `/v2/${repo}/manifests/${reference}`,
    scope: pushScope(repo),
    headers: { 'content-type': mediaType },
    body: bytes,
    ok: [201],
    what: `PUT manifest ${t.host}/${repo}:${reference}`,
  });
  await res.body.dump();
  const digest = res.headers['docker-content-digest'];
  return typeof digest === 'string' ? digest : digestOf(bytes);
}

/** Deletes a manifest by digest (registry 2.8 takes every tag pointing at it along). */
export async function deleteManifest(t: RegistryTransport, repo: string, digest: string): Promise<void> {
  const res = await t.send({
    method: 'DELETE',
    path: `/v2/${repo}/manifests/${digest}`,
    scope: `repository:${repo}:pull,push,delete`,
    ok: [202, 200],
    what: `DELETE manifest ${t.host}/${repo}@${digest}`,
  });
  await res.body.dump();
}
