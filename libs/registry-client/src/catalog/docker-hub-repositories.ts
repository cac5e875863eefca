import { RegistryError, RegistryErrorCode } from '../registry-error';
import { DOCKER_HUB_ALIASES } from '../repository-reference';
import { requestApiJson, unexpectedShape } from './api-request';
import { pageNumberCursor, readPageNumberCursor } from './page-number-cursor';
import type { PageReaderContext, RepositoryPage, RepositorySourceKind } from './repository-source';

/** Docker Hub's API, which lists what its registry (`docker.io`, `registry-1.docker.io`) serves. */
export const DOCKER_HUB_API = 'https://hub.docker.com';

/** Docker Hub's `page_size` maximum. */
const MAX_HUB_PAGE = 100;

interface HubRepositoryList {
  results?: Array<{ name?: unknown }>;
  next?: unknown;
}

function readHubPage({ transport: t, namespace, credentials }: PageReaderContext) {
  const what = `listing the repositories of ${namespace} on ${t.host}`;
  let login: Promise<string> | undefined;

  // A username with its password or personal access token buys a JWT (two-factor accounts need a token).
  const logIn = async (): Promise<string> => {
    const { body } = await requestApiJson(t, {
      method: 'POST',
      path: '/v2/users/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: credentials!.username, password: credentials!.password }),
      what: `logging in to ${t.host}`,
      notFound: 'the API has no login endpoint',
    }).catch((error: unknown) => {
      if (error instanceof RegistryError && error.code === RegistryErrorCode.Unauthorized) {
        throw new RegistryError(error.code, `logging in to ${t.host} failed: the username or password is wrong (with two-factor authentication, use a personal access token as the password)`, { status: error.status, cause: error });
      }
      throw error;
    });
    const token = (body as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || token === '') throw unexpectedShape(`logging in to ${t.host}`, 'a token ({ token })');
    return `Bearer ${token}`;
  };
  const authorization = (): Promise<string> | undefined => {
    if (!credentials) return undefined;
    login ??= logIn().catch((error: unknown) => {
      login = undefined;
      throw error;
    });
    return login;
  };

  return async (cursor: string | null, pageSize: number): Promise<RepositoryPage> => {
    const position = readPageNumberCursor(cursor, pageSize, MAX_HUB_PAGE);
    const query = new URLSearchParams({ page: String(position.page), page_size: String(position.pageSize) });
    const request = async () => {
      const header = await authorization();
      return requestApiJson(t, {
        method: 'GET',
        path: `/v2/namespaces/${encodeURIComponent(namespace)}/repositories?${query.toString()}`,
        headers: header ? { authorization: header } : {},
        what,
        notFound: `there is no namespace ${namespace}`,
      });
    };
    let answer: Awaited<ReturnType<typeof request>>;
    try {
      answer = await request();
    } catch (error) {
      // The Hub's token may have expired since the lister logged in: once more with a new one.
      if (!(credentials && error instanceof RegistryError && error.code === RegistryErrorCode.Unauthorized && error.status === 401)) throw error;
      login = undefined;
      answer = await request();
    }
    const list = answer.body as HubRepositoryList | null;
    const results = list?.results;
    if (!Array.isArray(results) || !results.every((r) => typeof r?.name === 'string')) throw unexpectedShape(what, "Docker Hub's repository list ({ results: [{ name }] })");
    const repositories = results.map((r) => r.name as string);
    const more = repositories.length > 0 && typeof list!.next === 'string' && list!.next !== '';
    return { repositories, next: more ? pageNumberCursor({ page: position.page + 1, pageSize: position.pageSize }) : null };
  };
}

/**
 * Docker Hub's `GET /v2/namespaces/{namespace}/repositories?page=&page_size=` (`{ count, next,
 * results: [{ name, namespace }] }`), anonymous or with a JWT from `POST /v2/users/login`.
 */
export const dockerHubRepositories: RepositorySourceKind = {
  maxPageSize: MAX_HUB_PAGE,
  wholeRegistry: false,
  registryAuth: false,
  apiUrl: (url) => (DOCKER_HUB_ALIASES.has(url.hostname) || url.hostname === 'hub.docker.com' ? new URL(DOCKER_HUB_API) : url),
  open: readHubPage,
};
