import { requestApiJson, unexpectedShape } from './api-request';
import type { PageReaderContext, RepositoryPage, RepositorySourceKind } from './repository-source';

interface QuayRepositoryList {
  repositories?: Array<{ namespace?: unknown; name?: unknown }>;
  next_page?: unknown;
}

function readQuayPage({ transport: t, namespace, credentials }: PageReaderContext) {
  const what = `listing the repositories of ${t.host}/${namespace}`;
  // Quay's API v1 takes no Basic auth: the password is an OAuth application token.
  const headers: Record<string, string> = credentials?.password ? { authorization: `Bearer ${credentials.password}` } : {};
  return async (cursor: string | null): Promise<RepositoryPage> => {
    const query = new URLSearchParams({ namespace });
    // Anonymous, Quay lists a namespace's public repositories only when asked to (as Quay's own org mirror asks).
    if (!credentials?.password) query.set('public', 'true');
    if (cursor !== null) query.set('next_page', cursor);
    const { body } = await requestApiJson(t, {
      method: 'GET',
      path: `/api/v1/repository?${query.toString()}`,
      headers,
      what,
      notFound: `there is no namespace ${namespace}`,
    });
    const list = body as QuayRepositoryList | null;
    const entries = list?.repositories;
    if (!Array.isArray(entries) || !entries.every((r) => typeof r?.name === 'string')) throw unexpectedShape(what, "Quay's repository list ({ repositories: [{ namespace, name }] })");
    // `public=true` may add other namespaces' public repositories where a server reads it loosely.
    const repositories = entries.filter((r) => r.namespace === undefined || r.namespace === namespace).map((r) => r.name as string);
    const next = typeof list!.next_page === 'string' && list!.next_page !== '' ? list!.next_page : null;
    return { repositories, next };
  };
}

/**
 * Quay's `GET /api/v1/repository?namespace=&next_page=` (`{ repositories: [{ namespace, name }],
 * next_page? }`): names come without the namespace; the cursor is Quay's own `next_page` token.
 * Quay fixes the page size at 100. Ferry serves this route too (in one page: it does not page).
 */
export const quayRepositories: RepositorySourceKind = {
  maxPageSize: 100,
  wholeRegistry: false,
  registryAuth: false,
  open: readQuayPage,
};
