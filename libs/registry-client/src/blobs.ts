import type { Readable } from 'node:stream';
import { RegistryError } from './registry-error';
import { pullScope, pushScope, type RegistryTransport } from './registry-transport';

type BlobBody = Buffer | Readable | AsyncIterable<Uint8Array>;

/** The blob's size when the repository holds it, else null (a 404 is an answer here, not a failure). */
export async function headBlob(t: RegistryTransport, repo: string, digest: string): Promise<number | null> {
  try {
    const res = await t.send({ method: 'HEAD', path: `/v2/${repo}/blobs/${digest}`, scope: pullScope(repo), ok: [200, 404], what: `HEAD blob ${t.host}/${repo}@${digest}` });
    await res.body.dump();
    if (res.statusCode === 404) return null;
    return Number(res.headers['content-length'] ?? 0);
  } catch (error) {
    if (error instanceof RegistryError && (error.status === 404 || error.code === 'BLOB_UNKNOWN')) return null;
    throw error;
  }
}

/** Opens a blob for streaming (not retried here: the caller replays the whole copy). */
export async function getBlob(t: RegistryTransport, repo: string, digest: string): Promise<{ body: Readable; size: number }> {
  const res = await t.sendOnce({
    method: 'GET',
    path: `/v2/${repo}/blobs/${digest}`,
    scope: pullScope(repo),
    ok: [200],
    what: `GET blob ${t.host}/${repo}@${digest}`,
  });
  return { body: res.body, size: Number(res.headers['content-length'] ?? -1) };
}

/**
 * Asks the registry to mount a blob from another repository it holds (or from `repo` itself:
 * then a 201 means "already here", making this an existence check that opens the upload
 * session in the same round trip when the blob is missing). Returns `{ mounted: true }`
 * or, when it cannot, the upload session it opened instead (usable for a normal upload).
 */
export async function mountBlob(t: RegistryTransport, repo: string, digest: string, fromRepo: string): Promise<{ mounted: true } | { mounted: false; location: string }> {
  const res = await t.send({
    method: 'POST',
    path: `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(fromRepo)}`,
    scope: fromRepo === repo ? pushScope(repo) : `${pushScope(repo)} ${pullScope(fromRepo)}`,
    ok: [201, 202],
    what: `mount blob ${digest} into ${t.host}/${repo}`,
  });
  await res.body.dump();
  if (res.statusCode === 201) return { mounted: true };
  return { mounted: false, location: String(res.headers['location']) };
}

/** Opens an upload session; returns its location. */
export async function startUpload(t: RegistryTransport, repo: string): Promise<string> {
  const res = await t.send({ method: 'POST', path: `/v2/${repo}/blobs/uploads/`, scope: pushScope(repo), ok: [202], what: `start upload to ${t.host}/${repo}` });
  await res.body.dump();
  return String(res.headers['location']);
}

function withDigest(t: RegistryTransport, location: string, digest: string): string {
  const url = new URL(location, t.baseUrl);
  url.searchParams.set('digest', digest);
  return url.toString();
}

/**
 * Completes an upload in one PUT carrying the whole body, streamed. (docker-registry 2.8 drops the
 * body of a single `POST ?digest=`, so POST + PUT is the shortest upload that works everywhere.)
 */
export async function putBlob(t: RegistryTransport, repo: string, location: string, digest: string, size: number, body: BlobBody): Promise<void> {
  const res = await t.sendOnce({
    method: 'PUT',
    path: withDigest(t, location, digest),
    scope: pushScope(repo),
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    body,
    ok: [201],
    what: `upload blob ${digest} to ${t.host}/${repo}`,
  });
  await res.body.dump();
}

/**
 * Sends one chunk of a chunked upload (a Buffer, or a stream of exactly `length` bytes, which is
 * not retried here); returns the location for the next one.
 */
export async function patchBlobChunk(t: RegistryTransport, repo: string, location: string, offset: number, length: number, chunk: BlobBody): Promise<string> {
  const res = await t.send({
    method: 'PATCH',
    path: location,
    scope: pushScope(repo),
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': String(length),
      'content-range': `${offset}-${offset + length - 1}`,
    },
    body: chunk,
    ok: [202],
    what: `upload chunk at ${offset} to ${t.host}/${repo}`,
  });
  await res.body.dump();
  return String(res.headers['location']);
}

/** Closes a chunked upload. */
export async function finishUpload(t: RegistryTransport, repo: string, location: string, digest: string): Promise<void> {
  const res = await t.send({
    method: 'PUT',
    path: withDigest(t, location, digest),
    scope: pushScope(repo),
    headers: { 'content-length': '0' },
    ok: [201],
    what: `finish upload of ${digest} to ${t.host}/${repo}`,
  });
  await res.body.dump();
}
