import { Inject, Injectable } from '@nestjs/common';
import { In, IsNull, Not, type DataSource } from 'typeorm';
import { ApiTokenRow, OAuthApplicationRow, OrganizationRow } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';

/** What the OAuth application routes read: `oauth_applications`, and the live `api_tokens` an application minted. */
@Injectable()
export class OAuthApplicationQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  organizationExists(name: string): Promise<boolean> {
    return this.dataSource.getRepository(OrganizationRow).existsBy({ name });
  }

  /** An organization's applications in the order they were made (Quay's, by id). */
  applicationsOf(organization: string): Promise<OAuthApplicationRow[]> {
    return this.dataSource.getRepository(OAuthApplicationRow).find({ where: { organization }, order: { createdAt: 'ASC', clientId: 'ASC' } });
  }

  application(clientId: string): Promise<OAuthApplicationRow | null> {
    return this.dataSource.getRepository(OAuthApplicationRow).findOneBy({ clientId });
  }

  /** The user's live tokens that applications minted, oldest first, each with its application (gone ones left out). */
  async authorizationsOf(username: string): Promise<{ token: ApiTokenRow; application: OAuthApplicationRow }[]> {
    const tokens = await this.dataSource.getRepository(ApiTokenRow).find({ where: { username, revokedAt: IsNull(), applicationClientId: Not(IsNull()) }, order: { createdAt: 'ASC' } });
    const applications = tokens.length ? await this.dataSource.getRepository(OAuthApplicationRow).findBy({ clientId: In(tokens.map((t) => t.applicationClientId!)) }) : [];
    return tokens.flatMap((token) => {
      const application = applications.find((a) => a.clientId === token.applicationClientId);
      return application ? [{ token, application }] : [];
    });
  }

  /** The users holding a live token the application minted. */
  async holdersOfTokensFrom(clientId: string): Promise<string[]> {
    const rows = await this.dataSource.getRepository(ApiTokenRow).find({ select: { username: true }, where: { applicationClientId: clientId, revokedAt: IsNull() } });
    return [...new Set(rows.map((r) => r.username))];
  }
}
