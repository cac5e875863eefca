/** Where a proxy-cache organization pulls from: the registry's host (with its port) and a namespace its repositories sit under. */
export interface UpstreamRegistry {
  /** `host[:port]`, as it appears in `docker://` references. */
  host: string;
  /** Path segments before the repository's name (`projectquay` for `quay.io/projectquay`); empty for none. */
  namespace: string;
}

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?))*(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Docker Hub's names, as clients write them, and the host its API answers on. */
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry.hub.docker.com']);
const DOCKER_HUB_API = 'registry-1.docker.io';

/**
 * Reads Quay's `upstream_registry` (`quay.io`, `quay.io/projectquay`, `127.0.0.1:5000/library`;
 * no scheme: `insecure` says how to speak to it). Returns a problem sentence for anything else.
 */
export function parseUpstreamRegistry(value: string): UpstreamRegistry | string {
  const text = value.trim();
  if (!text) return 'must name a registry, such as quay.io or docker.io/library';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return 'must be a registry name without a scheme (quay.io/namespace); set insecure for plain HTTP';
  const [host = '', ...path] = text.replace(/\/+$/, '').split('/');
  if (!HOST.test(host) || host.length > 255) return `"${host}" is not a registry host[:port]`;
  const port = /:(\d+)$/.exec(host)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `port ${port} is out of range`;
  const bad = path.find((p) => !PATH_COMPONENT.test(p));
  if (bad !== undefined) return `"${bad}" is not a repository path component (lowercase letters, digits, separators)`;
  return { host: DOCKER_HUB_ALIASES.has(host.toLowerCase()) ? DOCKER_HUB_API : host, namespace: path.join('/') };
}

/** The upstream repository a proxy-cache organization's repository stands for. */
export function upstreamRepository(upstream: UpstreamRegistry, repository: string): string {
  return upstream.namespace ? `${upstream.namespace}/${repository}` : repository;
}

/** The base URL of the upstream's API: HTTPS unless `insecure` (which also allows plain HTTP, as Quay's). */
export function upstreamBaseUrl(upstream: UpstreamRegistry, insecure: boolean): string {
  return `${insecure ? 'http' : 'https'}://${upstream.host}`;
}
