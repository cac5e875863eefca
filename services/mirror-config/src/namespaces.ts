import type { DataSource } from 'typeorm';
import { OrganizationRow, UserRow } from '@ferry/read-models';
import { InvalidRequestError, NotFoundError } from './http/problem';

/**
 * A namespace is an organization or a user's own; repositories, robots and mirrors live in one
 * that exists. A namespace named in the path that does not exist is a 404; one named in a body, a
 * 400 naming the field.
 */
export async function assertNamespaceExists(dataSource: DataSource, namespace: string, from: 'path' | { field: string } = 'path'): Promise<'organization' | 'user'> {
  if (await dataSource.getRepository(OrganizationRow).existsBy({ name: namespace })) return 'organization';
  if (await dataSource.getRepository(UserRow).existsBy({ username: namespace })) return 'user';
  const message = `names no organization or user; create the organization ${namespace} first (POST /api/v1/organization/)`;
  if (from === 'path') throw new NotFoundError(`no organization ${namespace}: create it first (POST /api/v1/organization/)`);
  throw new InvalidRequestError([{ field: from.field, message }]);
}
