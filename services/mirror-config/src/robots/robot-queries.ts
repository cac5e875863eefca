import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { RobotRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';

/** The robots read model. */
@Injectable()
export class RobotQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  robot(username: string): Promise<RobotRow | null> {
    return this.dataSource.getRepository(RobotRow).findOneBy({ username });
  }

  exists(username: string): Promise<boolean> {
    return this.dataSource.getRepository(RobotRow).existsBy({ username });
  }

  /** A namespace's robots by name. */
  robotsIn(namespace: string): Promise<RobotRow[]> {
    return this.dataSource.getRepository(RobotRow).find({ where: { namespace }, order: { name: 'ASC' } });
  }
}
