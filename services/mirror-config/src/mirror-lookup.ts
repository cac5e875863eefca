import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { mirrorId, repositoryNameProblem } from '@ferry/contracts';
import type { FieldProblem } from '@ferry/mirror';
import { MirrorRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';
import { InvalidRequestError, NotFoundError } from './http/problem';

/** The repository a path names: `namespace/repository`. */
export interface TargetRepository {
  namespace: string;
  repository: string;
}

/** Checks the path's names, answering 400 naming `namespace` or `repository`; the mirror id they make. */
export function validateTarget(target: TargetRepository): string {
  const problems: FieldProblem[] = [];
  const ns = repositoryNameProblem(target.namespace);
  if (ns) problems.push({ field: 'namespace', message: ns });
  const repo = repositoryNameProblem(target.repository);
  if (repo) problems.push({ field: 'repository', message: repo });
  if (problems.length) throw new InvalidRequestError(problems);
  return mirrorId(target.namespace, target.repository);
}

/**
 * A mirror's read-model row, for every feature that works on a mirror a path names (its runs,
 * tags, hooks, rules): the mirrors read model and nothing else, so no feature borrows another's service.
 */
@Injectable()
export class MirrorLookup {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** The mirror of the path's repository: 400 for a bad name, 404 when it has no mirror. */
  async find(target: TargetRepository): Promise<MirrorRow> {
    const id = validateTarget(target);
    const row = await this.row(id);
    if (!row) throw new NotFoundError(`no mirror is configured for ${id}`);
    return row;
  }

  row(id: string): Promise<MirrorRow | null> {
    return this.dataSource.getRepository(MirrorRow).findOneBy({ mirrorId: id });
  }

  exists(id: string): Promise<boolean> {
    return this.dataSource.getRepository(MirrorRow).existsBy({ mirrorId: id });
  }
}
