import type { OrgMirrorConfig } from '@ferry/contracts';

/**
 * One page at a time of an upstream namespace's repositories: what a discovery needs of the
 * registry client's `RepositoryLister`. A discovery holds one page, never the whole listing.
 */
export interface PageLister {
  /** The page that starts at `cursor` (null: the first); `next` null once the listing is done. Registry errors carry `code` and `retryable`. */
  listPage(cursor: string | null, options: { pageSize: number }): Promise<{ repositories: string[]; next: string | null }>;
  close(): Promise<void>;
}

/** Opens a lister on an organization mirror's upstream with its (opened) password; `signal` aborts its requests. */
export type OpenPageLister = (config: OrgMirrorConfig, password: string | null, signal: AbortSignal) => PageLister;

/** The target repository an upstream name becomes under the organization mirror's filters and name template, or null when not selected. */
export type SelectRepositories = (config: OrgMirrorConfig) => (upstream: string) => string | null;
