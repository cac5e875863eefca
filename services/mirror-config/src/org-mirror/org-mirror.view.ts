import { z } from 'zod';
import { deleteCapView, MirrorStatus, SourceRegistryType, VanishedAction, Visibility } from '@ferry/contracts';
import { tagRuleView } from '@ferry/mirror';
import type { OrgMirrorRow } from '@ferry/read-models';
import { quayTime, TAG_RULE_VIEW } from '../mirror/mirror.view';
import { responseSchema } from '../openapi/operation';

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

const QUAY_TIME = z.string().nullable().meta({ description: 'UTC, as Quay writes it: `YYYY-MM-DDTHH:MM:SSZ`' });
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
  }),
);
export type OrgMirrorView = z.output<typeof ORG_MIRROR_VIEW>;

/** An organization mirror in the shape of Quay's GET .../mirror; `sync_start_date` is the next discovery, as in Quay. */
export function orgMirrorView(row: OrgMirrorRow, counts: RepositoryStatusCounts): OrgMirrorView {
  const config = row.externalRegistryConfig;
  const summary = row.lastSummary;
  return {
    is_enabled: row.isEnabled,
    external_registry_type: row.externalRegistryType,
    external_registry_url: row.externalRegistryUrl,
    external_listing_url: row.externalListingUrl,
    external_namespace: row.externalNamespace,
    external_registry_username: row.externalRegistryUsername,
    has_external_registry_password: row.hasPassword,
    external_registry_config: {
      verify_tls: config.verifyTls,
      unsigned_images: config.unsignedImages,
      proxy: { http_proxy: config.proxy.httpProxy, https_proxy: config.proxy.httpsProxy, no_proxy: config.proxy.noProxy },
    },
    repository_filters: row.repositoryFilters,
    robot_username: row.robotUsername,
    visibility: row.visibility,
    sync_interval: row.syncInterval,
    sync_start_date: quayTime(row.nextSyncAt ?? row.syncStartDate),
    sync_expiration_date: quayTime(row.syncExpirationDate),
    sync_status: row.syncStatus,
    sync_retries_remaining: row.syncRetriesRemaining,
    repo_sync_status_counts: counts,
    skopeo_timeout: row.skopeoTimeout,
    creation_date: quayTime(row.createdAt),
    tag_rule: tagRuleView(row.tagRule),
    architecture_filter: row.architectureFilter,
    include: row.include,
    exclude: row.exclude,
    repository_name_template: row.repositoryNameTemplate,
    vanished: { action: row.vanished.action, max_delete: deleteCapView(row.vanished.maxDelete) },
    current_discovery_id: row.currentDiscoveryId,
    last_discovery:
      row.lastDiscoveryId && summary
        ? {
            discovery_id: row.lastDiscoveryId,
            finished_at: row.lastDiscoveryAt?.toISOString() ?? null,
            outcome: row.lastOutcome,
            error: row.lastErrorCode ? { code: row.lastErrorCode, message: row.lastErrorMessage } : null,
            pages: summary.pages,
            listed: summary.listed,
            matched: summary.matched,
            added: summary.added.length,
            vanished: summary.vanished.length,
            deleted: summary.deleted.length,
            failed: summary.failed,
            deletion_refused: summary.deletionRefused ? { would_delete: summary.deletionRefused.wouldDelete, allowed: summary.deletionRefused.allowed } : null,
          }
        : null,
  };
}

/** One discovered repository as the read models show it (see `OrgMirrorQueries.repositories`). */
export interface DiscoveredRepositoryFacts {
  organization: string;
  repository: string;
  upstream: string;
  discoveredAt: Date;
  vanishedAt: Date | null;
  status: OrgRepositoryStatus;
  /** When its last run ended. */
  lastSyncAt: Date | null;
  /** Why its last run failed. */
  lastError: string | null;
  /** The target repository exists. */
  repositoryExists: boolean;
}

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

/** Quay's `status_message`: why a repository is skipped or failing; null otherwise. */
function statusMessage(r: DiscoveredRepositoryFacts): string | null {
  if (r.status === OrgRepositoryStatus.Skip) return 'no longer listed upstream';
  if (r.status === OrgRepositoryStatus.Fail) return r.lastError;
  return null;
}

export function orgMirrorRepositoriesView(rows: DiscoveredRepositoryFacts[], page: { page: number; limit: number; total: number }): OrgMirrorRepositoriesView {
  return {
    repositories: rows.map((r) => ({
      name: r.repository,
      sync_status: r.status,
      discovery_date: quayTime(r.discoveredAt),
      last_sync_date: quayTime(r.lastSyncAt),
      status_message: statusMessage(r),
      quay_repository: r.repositoryExists ? `${r.organization}/${r.repository}` : null,
      upstream_repository: r.upstream,
      vanished_date: quayTime(r.vanishedAt),
    })),
    page: page.page,
    limit: page.limit,
    total: page.total,
    has_next: page.page * page.limit < page.total,
  };
}

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
