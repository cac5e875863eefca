import { Inject, Injectable } from '@nestjs/common';
import { In, IsNull, type DataSource } from 'typeorm';
import { ApiTokenRow, ApiTokenUsageRow, OrganizationRow, PermissionRow, UserRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';

/** What the user, token and session routes read: users, their organizations, and their live (unrevoked) API tokens. */
@Injectable()
export class UserQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  user(username: string): Promise<UserRow | null> {
    return this.dataSource.getRepository(UserRow).findOneBy({ username });
  }

  /** Every user, by name. */
  users(): Promise<UserRow[]> {
    return this.dataSource.getRepository(UserRow).find({ order: { username: 'ASC' } });
  }

  /** The organizations the user holds a role on, each with that role (a repository's grant is not one). */
  async organizationsOf(username: string): Promise<{ organization: OrganizationRow; role: PermissionRow['role'] | undefined }[]> {
    const grants = await this.dataSource.getRepository(PermissionRow).findBy({ principalKind: 'user', principalName: username, repository: '' });
    const orgs = grants.length ? await this.dataSource.getRepository(OrganizationRow).findBy({ name: In(grants.map((g) => g.namespace)) }) : [];
    return orgs.map((organization) => ({ organization, role: grants.find((g) => g.namespace === organization.name)?.role }));
  }

  /** The user's token, unless it is revoked (an expired one is still listed). */
  liveToken(username: string, tokenId: string): Promise<ApiTokenRow | null> {
    return this.dataSource.getRepository(ApiTokenRow).findOneBy({ tokenId, username, revokedAt: IsNull() });
  }

  /** The unrevoked token with this hash, whoever holds it. */
  liveTokenByHash(hash: string): Promise<ApiTokenRow | null> {
    return this.dataSource.getRepository(ApiTokenRow).findOneBy({ tokenHash: hash, revokedAt: IsNull() });
  }

  /** Whether any token, revoked or not, has this hash. */
  tokenHashExists(hash: string): Promise<boolean> {
    return this.dataSource.getRepository(ApiTokenRow).existsBy({ tokenHash: hash });
  }

  /** The user's unrevoked tokens, oldest first, each with when it was last used (null: never, or not yet written). */
  async liveTokens(username: string): Promise<{ token: ApiTokenRow; lastUsed: Date | null }[]> {
    // Tokens OAuth applications minted are not the user's app tokens (Quay lists them apart).
    const rows = await this.dataSource.getRepository(ApiTokenRow).find({ where: { username, revokedAt: IsNull(), applicationClientId: IsNull() }, order: { createdAt: 'ASC' } });
    const usage = rows.length ? await this.dataSource.getRepository(ApiTokenUsageRow).findBy({ tokenId: In(rows.map((r) => r.tokenId)) }) : [];
    return rows.map((token) => ({ token, lastUsed: usage.find((u) => u.tokenId === token.tokenId)?.lastUsedAt ?? null }));
  }

  async lastUsed(tokenId: string): Promise<Date | null> {
    return (await this.dataSource.getRepository(ApiTokenUsageRow).findOneBy({ tokenId }))?.lastUsedAt ?? null;
  }
}
