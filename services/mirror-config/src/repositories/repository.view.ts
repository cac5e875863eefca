import { z } from 'zod';

// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export { CREATED_REPOSITORY, REPOSITORY_LIST, REPOSITORY_VIEW, type RepositoryListView, type RepositoryView } from '@ferry/api-schema';

/**
 * The position after the last repository of a page, as Quay's opaque `next_page` token: the
 * namespace and name to go on after, in base64url JSON.
 */
const NEXT_PAGE = z
  .string()
  .max(1024)
  .transform((token, ctx) => {
    try {
      const after: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
      if (Array.isArray(after) && after.length === 2 && after.every((part) => typeof part === 'string')) return after as [string, string];
    } catch {
      // Falls through to the problem below.
    }
    ctx.addIssue({ code: 'custom', message: 'is not a next_page token this API gave' });
    return z.NEVER;
  })
  .meta({ description: 'The `next_page` of the previous answer, for the page after it.' });

/** `?namespace=`: only the repositories of one namespace; `?next_page=`: the page after one. */
export const REPOSITORY_LIST_QUERY = z.object({
  namespace: z.string().optional().meta({ description: 'Only the repositories of this namespace.' }),
  next_page: NEXT_PAGE.optional(),
});

/** The `next_page` token that goes on after `namespace/name`. */
export const nextPageToken = (namespace: string, name: string): string => Buffer.from(JSON.stringify([namespace, name]), 'utf8').toString('base64url');
