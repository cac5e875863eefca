import { z } from 'zod';
import { RepositoryState } from '@ferry/contracts';
import { responseSchema } from '../openapi/operation';

/** Quay's repository view, with what the caller may do with it. */
export const REPOSITORY_VIEW = responseSchema(
  'Repository',
  z.object({
    namespace: z.string(),
    name: z.string(),
    kind: z.literal('image'),
    description: z.string(),
    is_public: z.boolean(),
    is_organization: z.boolean(),
    is_starred: z.boolean(),
    state: z.enum(Object.values(RepositoryState) as [RepositoryState, ...RepositoryState[]]),
    tag_expiration_s: z.number(),
    is_free_account: z.boolean(),
    trust_enabled: z.boolean(),
    tags: z.record(z.string(), z.unknown()),
    can_write: z.boolean(),
    can_admin: z.boolean(),
  }),
);
export type RepositoryView = z.output<typeof REPOSITORY_VIEW>;

export const CREATED_REPOSITORY = responseSchema('CreatedRepository', z.object({ namespace: z.string(), name: z.string(), kind: z.literal('image') }));
