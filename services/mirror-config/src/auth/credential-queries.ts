import { Inject, Injectable } from '@nestjs/common';
import { IsNull, type DataSource } from 'typeorm';
import { ApiTokenRow, ApiTokenUsageRow, OAuthApplicationRow, RobotRow, UserRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';

/** What checking a credential reads: tokens and robots by their hash, users by name; and a token's last use, written. */
@Injectable()
export class CredentialQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** The unrevoked API token with this hash (it may have expired). */
  liveToken(hash: string): Promise<ApiTokenRow | null> {
    return this.dataSource.getRepository(ApiTokenRow).findOneBy({ tokenHash: hash, revokedAt: IsNull() });
  }

  robotByTokenHash(hash: string): Promise<RobotRow | null> {
    return this.dataSource.getRepository(RobotRow).findOneBy({ tokenHash: hash });
  }

  user(username: string): Promise<UserRow | null> {
    return this.dataSource.getRepository(UserRow).findOneBy({ username });
  }

  userExists(username: string): Promise<boolean> {
    return this.dataSource.getRepository(UserRow).existsBy({ username });
  }

  /** Whether a superuser disabled this user (false for a user who does not exist). */
  userDisabled(username: string): Promise<boolean> {
    return this.dataSource.getRepository(UserRow).existsBy({ username, enabled: false });
  }

  applicationExists(clientId: string): Promise<boolean> {
    return this.dataSource.getRepository(OAuthApplicationRow).existsBy({ clientId });
  }

  /** Not a projection's row: when a token was last used is no event, so the API writes it itself. */
  async recordTokenUse(tokenId: string, at: Date): Promise<void> {
    await this.dataSource.getRepository(ApiTokenUsageRow).upsert({ tokenId, lastUsedAt: at }, ['tokenId']);
  }
}
