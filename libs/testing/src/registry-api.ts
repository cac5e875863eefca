import { request, Agent } from 'undici';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { RegistryCredentials } from './registry-harness';

/**
 * Where a test helper talks to: a registry URL (`http://127.0.0.1:port`), or one with the
 * credentials it needs (a {@link RunningRegistry} fits this shape).
 */
export type RegistryTarget = string | { url: string; credentials?: RegistryCredentials; caCertificate?: string };

/** One dispatcher per CA certificate, for registries served over TLS by the harness. */
const tlsAgents = new Map<string, Agent>();
function agentFor(caCertificate: string | undefined): Agent | undefined {
  if (!caCertificate) return undefined;
  let agent = tlsAgents.get(caCertificate);
  if (!agent) {
    agent = new Agent({ connect: { ca: caCertificate } });
    tlsAgents.set(caCertificate, agent);
  }
  return agent;
}

/** Every manifest media type the helpers ask for when reading. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const tokenCache = new Map<string, string>();

/** The status of a plain GET (no auth dance), for probing whether a registry serves yet. */
export async function probeStatus(url: string, caCertificate?: string): Promise<number> {
  const res = await request(url, { dispatcher: agentFor(caCertificate) });
  await res.body.dump();
  return res.statusCode;
}

function targetOf(t: RegistryTarget): { url: string; credentials?: RegistryCredentials; caCertificate?: string } {
  return typeof t === 'string' ? { url: t } : t;
}

function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const m of header.slice(space + 1).matchAll(/(\w+)="([^"]*)"/g)) params[m[1]!] = m[2]!;
  return { scheme, params };
}

/** One harness request; answers a 401 challenge (Basic or Bearer) once with the target's credentials. */
export async function registryRequest(
  target: RegistryTarget,
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE',
  pathOrUrl: string,
  init: { headers?: Record<string, string>; body?: Buffer | string | Readable; scope?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const { url, credentials, caCertificate } = targetOf(target);
  const dispatcher = agentFor(caCertificate);
  const full = pathOrUrl.startsWith('http') ? pathOrUrl : `${url}${pathOrUrl}`;
  const cacheKey = `${url}|${credentials?.username ?? ''}|${init.scope ?? ''}`;
  const send = async (authorization?: string) => {
    const res = await request(full, {
      dispatcher,
      method,
      headers: { ...(init.headers ?? {}), ...(authorization ? { authorization } : {}) },
      body: init.body,
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    return { status: res.statusCode, headers: res.headers, body };
  };
  const cached = tokenCache.get(cacheKey);
  let res = await send(cached);
  if (res.status !== 401) return res;
  const challenge = res.headers['www-authenticate'];
  if (typeof challenge !== 'string') return res;
  const { scheme, params } = parseChallenge(challenge);
  const basic = credentials ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` : undefined;
  if (scheme === 'basic') {
    if (!basic) return res;
    tokenCache.set(cacheKey, basic);
    return send(basic);
  }
  const tokenUrl = new URL(params['realm']!);
  if (params['service']) tokenUrl.searchParams.set('service', params['service']);
  if (params['scope']) tokenUrl.searchParams.set('scope', params['scope']);
  const tokenRes = await request(tokenUrl, { headers: basic ? { authorization: basic } : {} });
  const json = (await tokenRes.body.json()) as { token?: string; access_token?: string };
  const bearer = `Bearer ${json.token ?? json.access_token}`;
  tokenCache.set(cacheKey, bearer);
  res = await send(bearer);
  return res;
}

function pull(repo: string): string {
  return `repository:${repo}:pull`;
}
function push(repo: string): string {
  return `repository:${repo}:pull,push`;
}
function pushDelete(repo: string): string {
  return `repository:${repo}:pull,push,delete`;
}

/** `sha256:<hex>` of some bytes. */
export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function expect(res: { status: number; body: Buffer }, ok: number[], what: string): void {
  if (!ok.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
}

/** Whether the repository holds the blob. */
export async function blobExists(target: RegistryTarget, repo: string, digest: string): Promise<boolean> {
  const res = await registryRequest(target, 'HEAD', `/v2/${repo}/blobs/${digest}`, { scope: pull(repo) });
  return res.status === 200;
}

/** Uploads a blob (POST then PUT with the body, which docker-registry 2.8 handles) unless present. */
export async function pushBlob(target: RegistryTarget, repo: string, data: Buffer): Promise<string> {
  const digest = sha256Digest(data);
  if (await blobExists(target, repo, digest)) return digest;
  const started = await registryRequest(target, 'POST', `/v2/${repo}/blobs/uploads/`, { scope: push(repo) });
  expect(started, [202], `start upload to ${repo}`);
  const location = new URL(String(started.headers['location']), targetOf(target).url);
  location.searchParams.set('digest', digest);
  const done = await registryRequest(target, 'PUT', location.toString(), {
    scope: push(repo),
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.length) },
    body: data,
  });
  expect(done, [201], `upload ${digest} to ${repo}`);
  return digest;
}

/** Pushes manifest bytes under a tag or digest and returns their digest. */
export async function putManifest(target: RegistryTarget, repo: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
  const res = await registryRequest(target, 'PUT', `/v2/${repo}/manifests/${reference}`, {
    scope: push(repo),
    headers: { 'content-type': mediaType },
    body: bytes,
  });
  expect(res, [201], `put manifest ${repo}:${reference}`);
  return sha256Digest(bytes);
}

/** A manifest as stored: exact bytes, media type and digest; null when unknown. */
export async function getManifest(
  target: RegistryTarget,
  repo: string,
  reference: string,
): Promise<{ bytes: Buffer; mediaType: string; digest: string } | null> {
  const res = await registryRequest(target, 'GET', `/v2/${repo}/manifests/${reference}`, { scope: pull(repo), headers: { accept: MANIFEST_ACCEPT } });
  if (res.status === 404) return null;
  expect(res, [200], `get manifest ${repo}:${reference}`);
  return { bytes: res.body, mediaType: String(res.headers['content-type']), digest: sha256Digest(res.body) };
}

/** The digest a tag points at (HEAD), or null when the tag does not exist. */
export async function manifestDigest(target: RegistryTarget, repo: string, reference: string): Promise<string | null> {
  const res = await registryRequest(target, 'HEAD', `/v2/${repo}/manifests/${reference}`, { scope: pull(repo), headers: { accept: MANIFEST_ACCEPT } });
  if (res.status === 404) return null;
  expect(res, [200], `head manifest ${repo}:${reference}`);
  return String(res.headers['docker-content-digest']);
}

/** Every tag of a repository, sorted, following `Link` pagination; [] when the repository is unknown. */
export async function listTags(target: RegistryTarget, repo: string): Promise<string[]> {
  const tags: string[] = [];
  let next: string | null = `/v2/${repo}/tags/list?n=1000`;
  while (next) {
    const res = await registryRequest(target, 'GET', next, { scope: pull(repo) });
    if (res.status === 404) return [];
    expect(res, [200], `list tags of ${repo}`);
    tags.push(...((JSON.parse(res.body.toString('utf8')) as { tags: string[] | null }).tags ?? []));
    const link = res.headers['link'];
    const m = typeof link === 'string' ? /<([^>]+)>/.exec(link) : null;
    next = m ? m[1]! : null;
  }
  return tags.sort();
}

/** Tag → digest for every tag of a repository. */
export async function tagDigests(target: RegistryTarget, repo: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const tag of await listTags(target, repo)) {
    const digest = await manifestDigest(target, repo, tag);
    if (digest) out[tag] = digest;
  }
  return out;
}

/** Deletes a manifest by digest (every tag pointing at it goes with it, as in registry 2.8). */
export async function deleteManifest(target: RegistryTarget, repo: string, digest: string): Promise<void> {
  const res = await registryRequest(target, 'DELETE', `/v2/${repo}/manifests/${digest}`, { scope: pushDelete(repo) });
  expect(res, [202], `delete ${repo}@${digest}`);
}
