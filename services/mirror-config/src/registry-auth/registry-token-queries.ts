import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { mirrorId } from '@ferry/contracts';
import { MirrorRow, RepositoryRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';

/** What a repository scope's decision reads: the repository (state, visibility) and its mirror (whose robot pushes). */
@Injectable()
export class RegistryTokenQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async repositoryFacts(namespace: string, repository: string): Promise<{ repository: RepositoryRow | null; mirror: MirrorRow | null }> {
    const [row, mirror] = await Promise.all([
      this.dataSource.getRepository(RepositoryRow).findOneBy({ namespace, name: repository }),
      this.dataSource.getRepository(MirrorRow).findOneBy({ mirrorId: mirrorId(namespace, repository) }),
    ]);
    return { repository: row, mirror };
  }
}
