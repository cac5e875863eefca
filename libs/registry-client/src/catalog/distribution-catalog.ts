import { nextPageLink } from '../link-header';
import { RegistryError, RegistryErrorCode } from '../registry-error';
import type { RegistryTransport } from '../registry-transport';
import { readJson, unexpectedShape } from './api-request';
import type { PageReaderContext, RepositoryPage, RepositorySourceKind } from './repository-source';

/** The token scope of the catalog (the distribution token spec's `registry:catalog:*`). */
export const CATALOG_SCOPE = 'registry:catalog:*';

/** distribution 3 refuses an `n` above its `catalog.maxentries` (1000 by default) with PAGINATION_NUMBER_INVALID. */
const MAX_CATALOG_PAGE = 1000;

/** Where two names first differ (the shorter one's length when one is a prefix of the other). */
function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** distribution 2.8 orders names component by component (`lessPath`: `/` sorts before every character). */
const componentRank = (ch: string): number => (ch === '/' ? 0 : ch.charCodeAt(0));

/**
 * Whether `name`, not under `prefix`, sorts after every name under it, both in plain string order
 * and in distribution's component order. Names under a prefix are contiguous in either order, so
 * once the listing passes one such name the namespace is done. A name that sorts after the prefix
 * in one order only (`ns-x`, `ns.x` beside `ns/`) proves nothing, and the listing goes on.
 */
export function pastPrefix(name: string, prefix: string): boolean {
  const i = firstDifference(name, prefix);
  if (i >= name.length) return false;
  const [a, b] = [name[i]!, prefix[i]!];
  return a > b && componentRank(a) > componentRank(b);
}

/**
 * The `last` to resume from: the one the registry's `Link` names, else the page's last name.
 * distribution sends a `Link` only when more may follow.
 */
function nextLast(t: RegistryTransport, link: string | null, names: string[]): string | null {
  if (link === null) return null;
  const fromLink = new URL(link, t.baseUrl).searchParams.get('last');
  return fromLink || (names.at(-1) ?? null);
}

function readCatalogPage(context: PageReaderContext) {
  const { transport: t, namespace } = context;
  const prefix = namespace ? `${namespace}/` : '';
  const what = `listing the catalog of ${t.host}`;
  return async (cursor: string | null, pageSize: number): Promise<RepositoryPage> => {
    // The first page of a namespace skips straight to it: `last` need not name an existing
    // repository (the spec says "lexically after", and 2.8 compares names, not positions).
    const last = cursor ?? (prefix || null);
    const query = new URLSearchParams({ n: String(pageSize) });
    if (last !== null) query.set('last', last);
    const res = await t.send({ method: 'GET', path: `/v2/_catalog?${query.toString()}`, scope: CATALOG_SCOPE, ok: [200], what });
    const link = nextPageLink(res.headers['link']);
    const body = (await readJson(res, what)) as { repositories?: unknown } | null;
    const names = body?.repositories ?? [];
    if (!Array.isArray(names) || !names.every((n): n is string => typeof n === 'string')) throw unexpectedShape(what, 'a catalog ({ repositories: string[] })');
    const repositories: string[] = [];
    for (const name of names) {
      if (name.startsWith(prefix)) repositories.push(name.slice(prefix.length));
      else if (pastPrefix(name, prefix)) return { repositories, next: null };
      // else: before the namespace, from a registry that did not skip ahead; the listing goes on.
    }
    const next = nextLast(t, link, names);
    // A registry that ignores `last` would send the first page forever.
    if (next !== null && next === last) {
      throw new RegistryError(RegistryErrorCode.UnexpectedResponse, `${what}: the registry does not page (it answered last=${last} with the same page)`);
    }
    return { repositories, next };
  };
}

/**
 * The OCI distribution catalog, `GET /v2/_catalog?n=&last=`, following `Link: rel="next"`, with
 * the registry's own auth (Basic, or a token for `registry:catalog:*`). Names are filtered to the
 * namespace; the cursor is the last name read, so a resumed listing continues exactly after it.
 */
export const distributionCatalog: RepositorySourceKind = {
  maxPageSize: MAX_CATALOG_PAGE,
  wholeRegistry: true,
  registryAuth: true,
  open: readCatalogPage,
};
