import { z } from 'zod';
import { MirrorStatus, SignaturePolicy, SourceRegistryType, VanishedAction, Visibility } from '@ferry/contracts';
import { QUAY_TIME } from './quay.schema';
import { responseSchema } from './response-schema';
import { TRUST_POLICY_VIEW } from './trust-policy.schema';
import { TAG_RULE_VIEW } from './tag-rule.schema';

/** Quay's statuses of a discovered repository: its mirror's, and `SKIP` for one its upstream no longer lists. */
export const OrgRepositoryStatus = { ...MirrorStatus, Skip: 'SKIP' } as const;
export type OrgRepositoryStatus = (typeof OrgRepositoryStatus)[keyof typeof OrgRepositoryStatus];
/** In Quay's order (`OrgMirrorRepoStatus`), which its messages list them in. */
export const ORG_REPOSITORY_STATUSES = [
  OrgRepositoryStatus.Cancel,
  OrgRepositoryStatus.Fail,
  OrgRepositoryStatus.NeverRun,
  OrgRepositoryStatus.Success,
  OrgRepositoryStatus.Syncing,
  OrgRepositoryStatus.SyncNow,
  OrgRepositoryStatus.Skip,
] as const;

const PATTERN_VIEW = z.object({ kind: z.enum(['glob', 'regex']), pattern: z.string() });
const STATUS_COUNTS = z.object(Object.fromEntries(ORG_REPOSITORY_STATUSES.map((s) => [s, z.number().int()])) as Record<OrgRepositoryStatus, z.ZodNumber>);
export type RepositoryStatusCounts = z.output<typeof STATUS_COUNTS>;

const LAST_DISCOVERY = z
  .object({
    discovery_id: z.string(),
    finished_at: z.string().nullable(),
    outcome: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
    pages: z.number().int(),
    listed: z.number().int().meta({ description: 'Repository names the listing showed, before the filters.' }),
    matched: z.number().int().meta({ description: 'Those the filters selected.' }),
    added: z.number().int(),
    vanished: z.number().int(),
    deleted: z.number().int(),
    failed: z.array(z.object({ repository: z.string(), message: z.string() })),
    deletion_refused: z.object({ would_delete: z.number().int(), allowed: z.number().int() }).nullable(),
  })
  .nullable()
  .meta({ description: 'Ferry\'s: what the last discovery found and did.' });

/** Quay's organization mirror view, plus Ferry's fields; never the password. */
export const ORG_MIRROR_VIEW = responseSchema(
  'OrgMirror',
  z.object({
    is_enabled: z.boolean(),
    external_registry_type: z.enum(Object.values(SourceRegistryType) as [SourceRegistryType, ...SourceRegistryType[]]),
    external_registry_url: z.string(),
    external_listing_url: z.string().nullable().meta({ description: "Ferry's: where the repositories are listed, when not at external_registry_url." }),
    external_namespace: z.string(),
    external_registry_username: z.string().nullable(),
    has_external_registry_password: z.boolean(),
    external_registry_config: z.object({
      verify_tls: z.boolean(),
      unsigned_images: z.boolean(),
      proxy: z.object({ http_proxy: z.string().nullable(), https_proxy: z.string().nullable(), no_proxy: z.string().nullable() }),
    }),
    repository_filters: z.array(z.string()),
    robot_username: z.string(),
    visibility: z.enum(Object.values(Visibility) as [Visibility, ...Visibility[]]),
    sync_interval: z.number().int(),
    sync_start_date: QUAY_TIME.meta({ description: 'The next discovery, as in Quay.' }),
    sync_expiration_date: QUAY_TIME.meta({ description: 'The running discovery\'s lease.' }),
    sync_status: z.enum(Object.values(MirrorStatus) as [MirrorStatus, ...MirrorStatus[]]),
    sync_retries_remaining: z.number().int(),
    repo_sync_status_counts: STATUS_COUNTS.meta({ description: 'Discovered repositories by status.' }),
    skopeo_timeout: z.number().int(),
    creation_date: QUAY_TIME,
    tag_rule: TAG_RULE_VIEW,
    architecture_filter: z.array(z.string()),
    include: z.array(PATTERN_VIEW),
    exclude: z.array(PATTERN_VIEW),
    repository_name_template: z.string(),
    vanished: z.object({ action: z.enum(Object.values(VanishedAction) as [VanishedAction, ...VanishedAction[]]), max_delete: z.union([z.number().int(), z.string()]).nullable() }),
    current_discovery_id: z.string().nullable(),
    last_discovery: LAST_DISCOVERY,
    signature_policy: z.enum([SignaturePolicy.Accept, SignaturePolicy.Require, SignaturePolicy.RequireSignature, SignaturePolicy.Verify]).meta({ description: "Ferry's: each discovered repository's mirror follows it." }),
    trust_policy: TRUST_POLICY_VIEW.nullable().meta({ description: "Ferry's: with signature_policy verify, whose signatures each repository's tags need before they are published." }),
  }),
);
export type OrgMirrorView = z.output<typeof ORG_MIRROR_VIEW>;

/** The repositories an organization mirror discovered, a page of them. */
export const ORG_MIRROR_REPOSITORIES = responseSchema(
  'OrgMirrorRepositories',
  z.object({
    repositories: z.array(
      z.object({
        name: z.string().meta({ description: 'The repository under the organization.' }),
        sync_status: z.enum(ORG_REPOSITORY_STATUSES),
        discovery_date: QUAY_TIME,
        last_sync_date: QUAY_TIME,
        status_message: z.string().nullable(),
        quay_repository: z.string().nullable().meta({ description: '`organization/repository`, once the repository exists.' }),
        upstream_repository: z.string().meta({ description: 'Ferry\'s: its name upstream, under the external namespace.' }),
        vanished_date: QUAY_TIME.meta({ description: 'Ferry\'s: when a complete listing no longer showed it.' }),
      }),
    ),
    page: z.number().int(),
    limit: z.number().int(),
    total: z.number().int(),
    has_next: z.boolean(),
  }),
);
export type OrgMirrorRepositoriesView = z.output<typeof ORG_MIRROR_REPOSITORIES>;

/** Quay's answer to verify, plus Ferry's stable code of what failed. */
export const ORG_MIRROR_VERIFICATION = responseSchema(
  'OrgMirrorVerification',
  z.object({
    success: z.boolean(),
    message: z.string(),
    code: z.string().nullable().meta({ description: 'Ferry\'s: the registry error\'s stable code (UNAUTHORIZED, NOT_FOUND, TLS_VERIFICATION_FAILED...); null on success.' }),
  }),
);
export type OrgMirrorVerification = z.output<typeof ORG_MIRROR_VERIFICATION>;
