import { splitHostPort } from '@ferry/net-guard';
import { RegistryError, RegistryErrorCode } from './registry-error';

/** An upstream repository split into the registry host to connect to and the repository path. */
export interface RepositoryReference {
  /** `host[:port]` as connected to (Docker Hub's `docker.io` becomes `registry-1.docker.io`). */
  host: string;
  /** Host name without port, lower-cased, for SSRF checks and proxy decisions (an IPv6 address without brackets). */
  hostname: string;
  /** The port the reference names, if any. */
  port: number | undefined;
  /** Repository path (`library/` prefixed for Docker Hub official images). */
  repository: string;
}

/** The names Docker Hub's registry goes by. */
export const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * Parses `host[:port]/path` (no scheme, no tag), applying Docker Hub's conventions: `docker.io`
 * is served by `registry-1.docker.io`, and a one-component path is an official `library/` image.
 * A bracketed host must be an IPv6 literal of hex groups and colons (`[::127.0.0.1]` is refused).
 */
export function parseRepositoryReference(reference: string): RepositoryReference {
  const invalid = (why: string) => new RegistryError(RegistryErrorCode.InvalidReference, `upstream reference ${JSON.stringify(reference)} ${why}`);
  if (/[\s?#\\%@]/.test(reference) || reference.includes('://')) throw invalid('must be host[:port]/path without scheme, credentials or query');
  const slash = reference.indexOf('/');
  if (slash <= 0 || slash === reference.length - 1) throw invalid('must name a host and a repository path');
  let host = reference.slice(0, slash).toLowerCase();
  let repository = reference.slice(slash + 1);
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)) {
    throw invalid('has an invalid repository path');
  }
  if (DOCKER_HUB_ALIASES.has(host)) {
    host = 'registry-1.docker.io';
    if (!repository.includes('/')) repository = `library/${repository}`;
  }
  const split = splitHostPort(host);
  if (!split) throw invalid('has an invalid registry host');
  return { host, hostname: split.host, port: split.port, repository };
}
