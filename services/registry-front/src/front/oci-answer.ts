import type { ServerResponse } from 'node:http';

/** How the front answered a proxy-cache request, in `X-Ferry-Cache` (with `Warning: 110` when stale, RFC 9111's "Response is Stale"). */
export const CACHE_HEADER = 'x-ferry-cache';

/** An OCI distribution error body (`{"errors":[{code,message}]}`), as registries answer. */
export function sendOciError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ errors: [{ code, message, detail: null }] });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'docker-distribution-api-version': 'registry/2.0', ...headers });
  res.end(body);
}

/** A manifest from bytes the front holds. */
export function sendManifest(res: ServerResponse, method: string, bytes: Buffer, mediaType: string, digest: string, headers: Record<string, string>): void {
  res.writeHead(200, {
    'content-type': mediaType,
    'content-length': bytes.length,
    'docker-content-digest': digest,
    etag: `"${digest}"`,
    'docker-distribution-api-version': 'registry/2.0',
    ...headers,
  });
  res.end(method === 'HEAD' ? undefined : bytes);
}
