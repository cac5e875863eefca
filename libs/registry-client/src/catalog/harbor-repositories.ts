import { nextPageLink } from '../link-header';
import { requestApiJson, unexpectedShape } from './api-request';
import { pageNumberCursor, readPageNumberCursor } from './page-number-cursor';
import type { PageReaderContext, RepositoryPage, RepositorySourceKind } from './repository-source';

/** Harbor's `page_size` maximum. */
const MAX_HARBOR_PAGE = 100;

/** Whether a page-numbered API has a page after `page`: its `Link`, else `X-Total-Count`, else a full page. */
function morePages(headers: Record<string, string | string[] | undefined>, page: number, pageSize: number, received: number): boolean {
  if (received === 0) return false;
  if (nextPageLink(headers['link']) !== null) return true;
  const total = Number(headers['x-total-count']);
  if (headers['x-total-count'] !== undefined && Number.isFinite(total)) return page * pageSize < total;
  // A proxy in front of Harbor may drop both headers; Quay's adapter goes on while pages are full.
  return received >= pageSize;
}

function readHarborPage({ transport: t, namespace: project, credentials }: PageReaderContext) {
  const what = `listing the repositories of ${t.host}/${project}`;
  const headers: Record<string, string> = credentials
    ? { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` }
    : {};
  const prefix = `${project}/`;
  return async (cursor: string | null, pageSize: number): Promise<RepositoryPage> => {
    const position = readPageNumberCursor(cursor, pageSize, MAX_HARBOR_PAGE);
    const query = new URLSearchParams({ page: String(position.page), page_size: String(position.pageSize) });
    const { body, headers: answer } = await requestApiJson(t, {
      method: 'GET',
      path: `/api/v2.0/projects/${encodeURIComponent(project)}/repositories?${query.toString()}`,
      headers,
      what,
      notFound: `there is no project ${project}`,
    });
    if (!Array.isArray(body) || !body.every((r: { name?: unknown } | null) => typeof r?.name === 'string')) throw unexpectedShape(what, "Harbor's repository list ([{ name }])");
    // Harbor names a repository with its project: `project/team/app` is `team/app` here.
    const repositories = (body as Array<{ name: string }>).map((r) => (r.name.startsWith(prefix) ? r.name.slice(prefix.length) : r.name));
    const more = morePages(answer, position.page, position.pageSize, repositories.length);
    return { repositories, next: more ? pageNumberCursor({ page: position.page + 1, pageSize: position.pageSize }) : null };
  };
}

/**
 * Harbor's `GET /api/v2.0/projects/{project}/repositories?page=&page_size=` (a JSON array of
 * `{ name: "project/repo" }`, `X-Total-Count`, `Link`), with Basic auth (a user or a robot).
 */
export const harborRepositories: RepositorySourceKind = {
  maxPageSize: MAX_HARBOR_PAGE,
  wholeRegistry: false,
  registryAuth: false,
  open: readHarborPage,
};
