import { Inject, Injectable } from '@nestjs/common';
import { In, type DataSource } from 'typeorm';
import { MirrorRow, RepositoryRow, RunRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';

/** What the repository routes read: the repositories read model, and each listed repository's mirror at a glance. */
@Injectable()
export class RepositoryQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  repository(namespace: string, name: string): Promise<RepositoryRow | null> {
    return this.dataSource.getRepository(RepositoryRow).findOneBy({ namespace, name });
  }

  /** Every repository of the namespace. */
  repositoriesIn(namespace: string): Promise<RepositoryRow[]> {
    return this.dataSource.getRepository(RepositoryRow).findBy({ namespace });
  }

  /** Up to `limit` repositories in (namespace, name) order after `after`, of `namespace` when given. */
  page(namespace: string | undefined, after: [string, string] | null, limit: number): Promise<RepositoryRow[]> {
    const query = this.dataSource.getRepository(RepositoryRow).createQueryBuilder('r').orderBy('r.namespace', 'ASC').addOrderBy('r.name', 'ASC').limit(limit);
    if (namespace !== undefined) query.andWhere('r.namespace = :namespace', { namespace });
    if (after) query.andWhere('(r.namespace, r.name) > (:afterNamespace, :afterName)', { afterNamespace: after[0], afterName: after[1] });
    return query.getMany();
  }

  mirrors(mirrorIds: string[]): Promise<MirrorRow[]> {
    return mirrorIds.length ? this.dataSource.getRepository(MirrorRow).findBy({ mirrorId: In(mirrorIds) }) : Promise.resolve([]);
  }

  runs(runIds: string[]): Promise<RunRow[]> {
    return runIds.length ? this.dataSource.getRepository(RunRow).findBy({ runId: In(runIds) }) : Promise.resolve([]);
  }
}
