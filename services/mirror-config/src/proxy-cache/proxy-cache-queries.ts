import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ProxyCacheConfig, ProxyCacheRepositoryEvent } from '@ferry/contracts';
import { applyCacheUsage, cachedBytes, emptyCacheUsage } from '@ferry/proxy-cache';
import { EventLogRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';

/** What the API reads of proxy caches from the read models: their usage log. */
@Injectable()
export class ProxyCacheQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** The organization's proxy-cache events (its settings' on `org`, the front's on `org/repo`), newest first. */
  logs(organization: string, limit: number): Promise<EventLogRow[]> {
    return this.dataSource
      .getRepository(EventLogRow)
      .createQueryBuilder('e')
      .where(`e.type LIKE 'ProxyCache%' AND (e.aggregate_id = :organization OR e.aggregate_id LIKE :repositories)`, { organization, repositories: `${organization.replace(/[%_\\]/g, '\\$&')}/%` })
      .orderBy('e.position', 'DESC')
      .take(limit)
      .getMany();
  }

  /** The bytes the organization's cache holds in the target: the registry front's fills less its evictions, folded as the front folds them. */
  async cachedBytes(organization: string): Promise<number> {
    const rows: Array<{ type: string; data: unknown; occurred_at: Date }> = await this.dataSource.query(
      `SELECT type, data, occurred_at FROM event_log
        WHERE type IN ('ProxyCacheFilled', 'ProxyCacheEvicted') AND aggregate_id LIKE $1 ORDER BY position`,
      [`${organization.replace(/[%_\\]/g, '\\$&')}/%`],
    );
    const usage = emptyCacheUsage();
    for (const row of rows) applyCacheUsage(usage, { type: row.type, data: row.data, occurredAt: row.occurred_at.toISOString() } as ProxyCacheRepositoryEvent);
    return cachedBytes(usage);
  }

  /** Every organization that is a proxy cache now, with its settings (its latest settings event is a creation). */
  async current(): Promise<Array<{ organization: string; config: ProxyCacheConfig }>> {
    const rows: Array<{ aggregate_id: string; type: string; data: { config?: ProxyCacheConfig } }> = await this.dataSource.query(
      `SELECT DISTINCT ON (aggregate_id) aggregate_id, type, data FROM event_log
        WHERE type IN ('ProxyCacheCreated', 'ProxyCacheDeleted') ORDER BY aggregate_id, position DESC`,
    );
    return rows.filter((r) => r.type === 'ProxyCacheCreated' && r.data.config).map((r) => ({ organization: r.aggregate_id, config: r.data.config! }));
  }

  /** The organization's repositories whose pulls (registry tokens that granted `pull`) since `since` reach `minPulls`. */
  async pulledAtLeast(organization: string, minPulls: number, since: Date): Promise<string[]> {
    const rows: Array<{ repository: string }> = await this.dataSource.query(
      `SELECT data->>'repository' AS repository FROM event_log
        WHERE type = 'RegistryTokenIssued' AND data->>'namespace' = $1 AND data->'granted' ? 'pull' AND occurred_at >= $2
        GROUP BY data->>'repository' HAVING count(*) >= $3 ORDER BY 1`,
      [organization, since, minPulls],
    );
    return rows.map((r) => r.repository).filter(Boolean);
  }
}
