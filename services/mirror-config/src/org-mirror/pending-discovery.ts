/**
 * TEMPORARY, until branch wt-discovery lands: the names the organization mirror's API takes from
 * `@ferry/mirror` (repository patterns, the name template) and `@ferry/registry-client` (the
 * repository lister), with the signatures that branch gives them. They judge nothing here; the
 * merge replaces this file by imports of the real ones.
 */
import type { RepositoryPattern } from '@ferry/contracts';

export const DEFAULT_REPOSITORY_NAME_TEMPLATE = '{namespace}/{repository}';
export const MAX_REPOSITORY_PATTERNS = 100;
export function repositoryPatternProblem(_pattern: RepositoryPattern): string | undefined {
  return undefined;
}
export function repositoryNameTemplateProblem(_template: string): string | undefined {
  return undefined;
}

export interface RepositoryPage {
  repositories: string[];
  next: string | null;
}
export interface RepositoryLister {
  listPage(cursor: string | null, opts?: { pageSize?: number }): Promise<RepositoryPage>;
  close(): Promise<void>;
}
export interface RepositorySource {
  type: 'distribution' | 'quay' | 'harbor' | 'dockerhub';
  url: string;
  namespace: string;
  verifyTls: boolean;
  proxy?: { httpProxy: string | null; httpsProxy: string | null; noProxy: string | null };
  credentials?: { username: string; password: string };
}
export function repositoryLister(_source: RepositorySource, _options: { addressGuard: { allowedHosts: readonly string[] }; timeoutMs?: number }): RepositoryLister {
  throw Object.assign(new Error('the repository listers have not landed yet (wt-discovery)'), { code: 'UNEXPECTED_RESPONSE' });
}
