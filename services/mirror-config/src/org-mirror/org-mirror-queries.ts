import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { OrgMirrorSample } from '@ferry/metrics';
import { EventLogRow, OrganizationRow, OrgMirrorRow, RepositoryRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';
import { ORG_REPOSITORY_STATUSES, OrgRepositoryStatus, type DiscoveredRepositoryFacts, type RepositoryStatusCounts } from './org-mirror.view';

/**
 * A discovered repository's status, in SQL: `SKIP` once its upstream no longer lists it, else its
 * mirror's (`NEVER_RUN` before its mirror exists).
 */
const STATUS = `CASE WHEN r.vanished_at IS NOT NULL THEN '${OrgRepositoryStatus.Skip}' ELSE COALESCE(m.sync_status, '${OrgRepositoryStatus.NeverRun}') END`;
const DISCOVERED = `
  FROM org_mirror_repositories r
  LEFT JOIN mirrors m ON m.namespace = r.organization AND m.repository = r.repository`;

/** What the organization mirror's routes read: the read models, joined with each repository's mirror. */
@Injectable()
export class OrgMirrorQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  find(organization: string): Promise<OrgMirrorRow | null> {
    return this.dataSource.getRepository(OrgMirrorRow).findOneBy({ organization });
  }

  exists(organization: string): Promise<boolean> {
    return this.dataSource.getRepository(OrgMirrorRow).existsBy({ organization });
  }

  organizationExists(organization: string): Promise<boolean> {
    return this.dataSource.getRepository(OrganizationRow).existsBy({ name: organization });
  }

  /** Quay's rule for a new organization mirror: the organization holds no repository. */
  organizationHasRepositories(organization: string): Promise<boolean> {
    return this.dataSource.getRepository(RepositoryRow).existsBy({ namespace: organization });
  }

  /** Quay's `repo_sync_status_counts`: every status, 0 when none has it. */
  async statusCounts(organization: string): Promise<RepositoryStatusCounts> {
    const rows: { status: OrgRepositoryStatus; n: number }[] = await this.dataSource.query(`SELECT ${STATUS} AS status, count(*)::int AS n ${DISCOVERED} WHERE r.organization = $1 GROUP BY 1`, [organization]);
    const counts = Object.fromEntries(ORG_REPOSITORY_STATUSES.map((s) => [s, 0])) as RepositoryStatusCounts;
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  /** One page of the discovered repositories by name, with each one's status and last run; `status` filters. */
  async repositories(organization: string, options: { page: number; limit: number; status?: OrgRepositoryStatus }): Promise<{ rows: DiscoveredRepositoryFacts[]; total: number }> {
    const where = `WHERE r.organization = $1 AND ($2::text IS NULL OR ${STATUS} = $2)`;
    const params = [organization, options.status ?? null];
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total ${DISCOVERED} ${where}`, params)) as [{ total: number }];
    const raw: {
      repository: string;
      upstream: string;
      discovered_at: Date;
      vanished_at: Date | null;
      status: OrgRepositoryStatus;
      last_sync_at: Date | null;
      last_error: string | null;
      repository_exists: boolean;
    }[] = await this.dataSource.query(
      `SELECT r.repository, r.upstream, r.discovered_at, r.vanished_at, ${STATUS} AS status,
              l.finished_at AS last_sync_at, CASE WHEN l.status = 'failed' THEN COALESCE(l.error_message, l.error_code) END AS last_error,
              EXISTS (SELECT 1 FROM repositories p WHERE p.namespace = r.organization AND p.name = r.repository) AS repository_exists
         ${DISCOVERED}
         LEFT JOIN runs l ON l.run_id = m.last_run_id
         ${where}
        ORDER BY r.repository
        LIMIT $3 OFFSET $4`,
      [...params, options.limit, (options.page - 1) * options.limit],
    );
    return {
      total,
      rows: raw.map((r) => ({
        organization,
        repository: r.repository,
        upstream: r.upstream,
        discoveredAt: r.discovered_at,
        vanishedAt: r.vanished_at,
        status: r.status,
        lastSyncAt: r.last_sync_at,
        lastError: r.last_error,
        repositoryExists: r.repository_exists,
      })),
    };
  }

  /** Every organization mirror with how many repositories it found, how many sync now and how many fail. */
  async samples(): Promise<OrgMirrorSample[]> {
    return this.dataSource.query(
      `SELECT o.organization,
              count(r.repository)::int AS discovered,
              count(*) FILTER (WHERE r.repository IS NOT NULL AND ${STATUS} = '${OrgRepositoryStatus.Syncing}')::int AS syncing,
              count(*) FILTER (WHERE r.repository IS NOT NULL AND ${STATUS} = '${OrgRepositoryStatus.Fail}')::int AS failing
         FROM org_mirrors o
         LEFT JOIN org_mirror_repositories r ON r.organization = o.organization
         LEFT JOIN mirrors m ON m.namespace = r.organization AND m.repository = r.repository
        GROUP BY o.organization
        ORDER BY o.organization`,
    );
  }

  /** The organization mirror's events, newest first: its usage log. */
  logs(organization: string, limit: number): Promise<EventLogRow[]> {
    // The orgmirror aggregate's events (an organization's own, on the same id, are `Organization...`).
    return this.dataSource
      .getRepository(EventLogRow)
      .createQueryBuilder('e')
      .where(`e.aggregate_id = :organization AND (e.type LIKE 'OrgMirror%' OR e.type LIKE 'OrgDiscovery%')`, { organization })
      .orderBy('e.position', 'DESC')
      .take(limit)
      .getMany();
  }
}
