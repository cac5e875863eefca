/** One request of the OCI distribution read API, as the registry front routes it. */
export type DistributionRequest =
  | { kind: 'base' }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'tags'; name: string }
  | { kind: 'referrers'; name: string; digest: string }
  /** Anything else under /v2/ (uploads, the catalog): passed to the target as it is. */
  | { kind: 'other' };

const NAME = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*';
const TAG = '[A-Za-z0-9_][A-Za-z0-9._-]{0,127}';
const DIGEST = '[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+';
const ROUTES: Array<[RegExp, (m: RegExpExecArray) => DistributionRequest]> = [
  [new RegExp(`^/v2/(${NAME})/manifests/(${TAG}|${DIGEST})$`), (m) => ({ kind: 'manifest', name: m[1]!, reference: m[2]! })],
  [new RegExp(`^/v2/(${NAME})/blobs/(${DIGEST})$`), (m) => ({ kind: 'blob', name: m[1]!, digest: m[2]! })],
  [new RegExp(`^/v2/(${NAME})/tags/list$`), (m) => ({ kind: 'tags', name: m[1]! })],
  [new RegExp(`^/v2/(${NAME})/referrers/(${DIGEST})$`), (m) => ({ kind: 'referrers', name: m[1]!, digest: m[2]! })],
];

/** Routes a request path (without its query) as the distribution spec names its endpoints. */
export function parseDistributionPath(path: string): DistributionRequest {
  if (path === '/v2' || path === '/v2/') return { kind: 'base' };
  for (const [pattern, build] of ROUTES) {
    const m = pattern.exec(path);
    if (m) return build(m);
  }
  return { kind: 'other' };
}

/** `org/repo` split at its first slash; null when the name has no namespace. */
export function splitRepositoryName(name: string): { namespace: string; repository: string } | null {
  const slash = name.indexOf('/');
  return slash > 0 ? { namespace: name.slice(0, slash), repository: name.slice(slash + 1) } : null;
}
