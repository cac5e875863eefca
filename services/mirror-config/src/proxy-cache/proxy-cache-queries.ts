import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ProxyCacheConfig } from '@ferry/contracts';
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
