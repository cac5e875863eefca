import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DiscoverySummary, ExternalRegistryConfig, MirrorStatus, RepositoryPattern, SourceRegistryType, TagRule, VanishedPolicy, Visibility } from '@ferry/contracts';
import type { OrgMirrorState } from '@ferry/mirror';

/** An organization mirror's settings and status: what Quay's GET /organization/{org}/mirror returns. */
@Entity('org_mirrors')
export class OrgMirrorRow {
  @PrimaryColumn({ type: 'text' }) organization!: string;
  @Column({ name: 'is_enabled', type: 'boolean' }) isEnabled!: boolean;
  @Column({ name: 'external_registry_type', type: 'text' }) externalRegistryType!: SourceRegistryType;
  @Column({ name: 'external_registry_url', type: 'text' }) externalRegistryUrl!: string;
  @Column({ name: 'external_listing_url', type: 'text', nullable: true }) externalListingUrl!: string | null;
  @Column({ name: 'external_namespace', type: 'text' }) externalNamespace!: string;
  @Column({ name: 'external_registry_username', type: 'text', nullable: true }) externalRegistryUsername!: string | null;
  @Column({ name: 'has_password', type: 'boolean' }) hasPassword!: boolean;
  @Column({ name: 'robot_username', type: 'text' }) robotUsername!: string;
  @Column({ type: 'text' }) visibility!: Visibility;
  @Column({ name: 'sync_interval', type: 'integer' }) syncInterval!: number;
  @Column({ name: 'sync_start_date', type: 'timestamptz' }) syncStartDate!: Date;
  @Column({ name: 'next_sync_at', type: 'timestamptz', nullable: true }) nextSyncAt!: Date | null;
  @Column({ name: 'external_registry_config', type: 'jsonb' }) externalRegistryConfig!: ExternalRegistryConfig;
  @Column({ name: 'repository_filters', type: 'jsonb' }) repositoryFilters!: string[];
  @Column({ name: 'include_patterns', type: 'jsonb' }) include!: RepositoryPattern[];
  @Column({ name: 'exclude_patterns', type: 'jsonb' }) exclude!: RepositoryPattern[];
  @Column({ name: 'repository_name_template', type: 'text' }) repositoryNameTemplate!: string;
  @Column({ name: 'tag_rule', type: 'jsonb' }) tagRule!: TagRule;
  @Column({ name: 'architecture_filter', type: 'jsonb' }) architectureFilter!: string[];
  @Column({ name: 'skopeo_timeout', type: 'integer' }) skopeoTimeout!: number;
  @Column({ type: 'jsonb' }) vanished!: VanishedPolicy;
  @Column({ name: 'sync_status', type: 'text' }) syncStatus!: MirrorStatus;
  /** The running discovery's lease. */
  @Column({ name: 'sync_expiration_date', type: 'timestamptz', nullable: true }) syncExpirationDate!: Date | null;
  @Column({ name: 'sync_retries_remaining', type: 'integer' }) syncRetriesRemaining!: number;
  @Column({ name: 'current_discovery_id', type: 'text', nullable: true }) currentDiscoveryId!: string | null;
  @Column({ name: 'last_discovery_id', type: 'text', nullable: true }) lastDiscoveryId!: string | null;
  /** When the last discovery ended, how, why it failed, and what it found and did. */
  @Column({ name: 'last_discovery_at', type: 'timestamptz', nullable: true }) lastDiscoveryAt!: Date | null;
  @Column({ name: 'last_outcome', type: 'text', nullable: true }) lastOutcome!: string | null;
  @Column({ name: 'last_error_code', type: 'text', nullable: true }) lastErrorCode!: string | null;
  @Column({ name: 'last_error_message', type: 'text', nullable: true }) lastErrorMessage!: string | null;
  @Column({ name: 'last_summary', type: 'jsonb', nullable: true }) lastSummary!: DiscoverySummary | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  /**
   * The aggregate's folded state without its repository lists (those are `org_mirror_repositories`),
   * so the next event is applied by the decider's own `evolve` and the row stays small however
   * many repositories the organization mirror has.
   */
  @Column({ type: 'jsonb' }) state!: OrgMirrorState;
}

/** One repository an organization mirror discovered and has not deleted. */
@Entity('org_mirror_repositories')
export class OrgMirrorRepositoryRow {
  @PrimaryColumn({ type: 'text' }) organization!: string;
  /** The target repository under the organization. */
  @PrimaryColumn({ type: 'text' }) repository!: string;
  /** Its name upstream, relative to the external namespace. */
  @Column({ type: 'text' }) upstream!: string;
  @Column({ name: 'discovered_at', type: 'timestamptz' }) discoveredAt!: Date;
  /** When a complete listing no longer showed it; null while it is there. */
  @Column({ name: 'vanished_at', type: 'timestamptz', nullable: true }) vanishedAt!: Date | null;
}
