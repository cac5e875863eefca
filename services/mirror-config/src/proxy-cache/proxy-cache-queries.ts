import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
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
}
