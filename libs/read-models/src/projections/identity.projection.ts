import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import { ApiTokenRow, UserRow } from '../entities/identity.entities';
import type { Projection } from '../projection-runner';

/** Users and their API tokens (hashes only); a deleted user's tokens go with them. */
export const usersProjection: Projection = {
  tables: ['users', 'api_tokens'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    switch (event.type) {
      case 'UserCreated': {
        const { username, email, password } = event.data;
        await em.getRepository(UserRow).upsert({ username, email, passwordHash: password, enabled: true, createdAt: new Date(event.occurredAt) }, ['username']);
        return;
      }
      case 'UserUpdated':
        await em.getRepository(UserRow).update({ username: event.data.username }, { email: event.data.email });
        return;
      case 'UserPasswordChanged':
        await em.getRepository(UserRow).update({ username: event.data.username }, { passwordHash: event.data.password });
        return;
      case 'UserEnabledChanged':
        await em.getRepository(UserRow).update({ username: event.data.username }, { enabled: event.data.enabled });
        return;
      case 'UserDeleted':
        await em.getRepository(ApiTokenRow).delete({ username: event.data.username });
        await em.getRepository(UserRow).delete({ username: event.data.username });
        return;
      case 'ApiTokenCreated': {
        const { tokenId, username, title, scopes, expiresAt, tokenHash, application } = event.data;
        await em.getRepository(ApiTokenRow).insert({
          tokenId,
          username,
          title,
          scopes,
          tokenHash,
          expiresAt: expiresAt ? new Date(expiresAt) : null,
          createdAt: new Date(event.occurredAt),
          revokedAt: null,
          applicationClientId: application?.clientId ?? null,
        });
        return;
      }
      case 'ApiTokenRevoked':
        await em.getRepository(ApiTokenRow).update({ tokenId: event.data.tokenId }, { revokedAt: new Date(event.occurredAt) });
        return;
    }
  },
};
