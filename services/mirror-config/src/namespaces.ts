import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { OrganizationRow, UserRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';
import { InvalidRequestError, NotFoundError } from './http/problem';

/**
 * A namespace is an organization or a user's own; repositories, robots and mirrors live in one
 * that exists.
 */
@Injectable()
export class Namespaces {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  isOrganization(name: string): Promise<boolean> {
    return this.dataSource.getRepository(OrganizationRow).existsBy({ name });
  }

  isUser(name: string): Promise<boolean> {
    return this.dataSource.getRepository(UserRow).existsBy({ username: name });
  }

  /** What the namespace is; null when it is neither an organization nor a user. */
  async kindOf(namespace: string): Promise<'organization' | 'user' | null> {
    if (await this.isOrganization(namespace)) return 'organization';
    if (await this.isUser(namespace)) return 'user';
    return null;
  }

  /** A namespace named in the path that does not exist is a 404; one named in a body, a 400 naming the field. */
  async assertExists(namespace: string, from: 'path' | { field: string } = 'path'): Promise<'organization' | 'user'> {
    const kind = await this.kindOf(namespace);
    if (kind) return kind;
    const message = `names no organization or user; create the organization ${namespace} first (POST /api/v1/organization/)`;
    if (from === 'path') throw new NotFoundError(`no organization ${namespace}: create it first (POST /api/v1/organization/)`);
    throw new InvalidRequestError([{ field: from.field, message }]);
  }
}
