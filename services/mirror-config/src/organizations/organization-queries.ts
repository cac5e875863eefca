import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { OrganizationRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';

/** The organizations read model. */
@Injectable()
export class OrganizationQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  organization(name: string): Promise<OrganizationRow | null> {
    return this.dataSource.getRepository(OrganizationRow).findOneBy({ name });
  }
}
