import { z } from 'zod';
import { RepositoryState } from '@ferry/contracts';
import { ISO_TIME } from './quay.schema';
import { responseSchema } from './response-schema';
import { REPOSITORY_QUOTA_REPORT } from './quota.schema';

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
    /** The bytes Ferry wrote into the repository and its namespace's quota (Quay's list carries it; Ferry's view too). */
    quota_report: REPOSITORY_QUOTA_REPORT.optional(),
  }),
);
export type RepositoryView = z.output<typeof REPOSITORY_VIEW>;

export const CREATED_REPOSITORY = responseSchema('CreatedRepository', z.object({ namespace: z.string(), name: z.string(), kind: z.literal('image') }));

/** A mirror at a glance, as the repository list shows it (Ferry's; Quay's list has no mirror). */
const MIRROR_SUMMARY = z
  .object({
    external_reference: z.string(),
    is_enabled: z.boolean(),
    sync_status: z.string(),
    last_sync: ISO_TIME.nullable().meta({ description: 'When the last run ended.' }),
    last_outcome: z.enum(['succeeded', 'failed', 'cancelled']).nullable().meta({ description: 'How the last run ended (null: none has).' }),
    last_success: ISO_TIME.nullable(),
    next_sync: ISO_TIME.nullable().meta({ description: 'When the next scheduled run is due (null: disabled).' }),
    consecutive_failures: z.number().int(),
    failing: z.boolean().meta({ description: 'Its last run failed.' }),
    stale: z.boolean().meta({ description: 'Enabled, without a successful run within a few times its interval.' }),
    error: z.object({ code: z.string(), message: z.string().nullable() }).nullable().meta({ description: 'The last run\'s error, when it failed.' }),
  })
  .nullable();

/** Quay's `GET /api/v1/repository`: the repositories the caller may read, each with its mirror's status. */
export const REPOSITORY_LIST = responseSchema(
  'RepositoryList',
  z.object({
    repositories: z.array(
      z.object({
        namespace: z.string(),
        name: z.string(),
        kind: z.literal('image'),
        description: z.string(),
        is_public: z.boolean(),
        state: z.enum(Object.values(RepositoryState) as [RepositoryState, ...RepositoryState[]]),
        is_starred: z.boolean(),
        mirror: MIRROR_SUMMARY,
        quota_report: REPOSITORY_QUOTA_REPORT.optional(),
      }),
    ),
    next_page: z.string().optional().meta({ description: 'Present when more repositories follow: pass it as `?next_page=` for them (Quay\'s paging, 100 a page).' }),
  }),
);
export type RepositoryListView = z.output<typeof REPOSITORY_LIST>;
