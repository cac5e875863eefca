import { deleteCapView } from '@ferry/contracts';
import { trustPolicyView } from '@ferry/trust-policy';
import { OrgRepositoryStatus, type OrgMirrorRepositoriesView, type OrgMirrorView, type RepositoryStatusCounts } from '@ferry/api-schema';
import { tagRuleView } from '@ferry/mirror';
import type { OrgMirrorRow } from '@ferry/read-models';
import { quayTime } from '../mirror/mirror.view';

// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export {
  ORG_MIRROR_REPOSITORIES,
  ORG_MIRROR_VERIFICATION,
  ORG_MIRROR_VIEW,
  ORG_REPOSITORY_STATUSES,
  OrgRepositoryStatus,
  type OrgMirrorRepositoriesView,
  type OrgMirrorVerification,
  type OrgMirrorView,
  type RepositoryStatusCounts,
} from '@ferry/api-schema';

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
    signature_policy: row.state?.config?.signaturePolicy ?? 'accept',
    trust_policy: row.state?.config?.trustPolicy ? trustPolicyView(row.state.config.trustPolicy) : null,
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
