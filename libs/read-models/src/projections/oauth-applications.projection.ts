import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import { OAuthApplicationRow } from '../entities/oauth-application.entity';
import type { Projection } from '../projection-runner';

/** Organizations' OAuth applications; the tokens they minted are `api_tokens` rows (see the users projection). */
export const oauthApplicationsProjection: Projection = {
  tables: ['oauth_applications'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    switch (event.type) {
      case 'OAuthApplicationCreated': {
        const { organization, clientId, name, description, applicationUri, redirectUri, avatarEmail, clientSecret } = event.data;
        await em
          .getRepository(OAuthApplicationRow)
          .upsert({ clientId, organization, name, description, applicationUri, redirectUri, avatarEmail, clientSecret, createdAt: new Date(event.occurredAt) }, ['clientId']);
        return;
      }
      case 'OAuthApplicationUpdated': {
        const { clientId, name, description, applicationUri, redirectUri, avatarEmail } = event.data;
        await em.getRepository(OAuthApplicationRow).update({ clientId }, { name, description, applicationUri, redirectUri, avatarEmail });
        return;
      }
      case 'OAuthApplicationClientSecretReset':
        await em.getRepository(OAuthApplicationRow).update({ clientId: event.data.clientId }, { clientSecret: event.data.clientSecret });
        return;
      case 'OAuthApplicationDeleted':
        await em.getRepository(OAuthApplicationRow).delete({ clientId: event.data.clientId });
        return;
    }
  },
};
