import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import { RobotRow } from '../entities/robot.entity';
import type { Projection } from '../projection-runner';

export const robotsProjection: Projection = {
  tables: ['robots'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    const robots = em.getRepository(RobotRow);
    switch (event.type) {
      case 'RobotCreated': {
        const { username, namespace, name, description, tokenHash } = event.data;
        await robots.insert({ username, namespace, name, description, createdAt: new Date(event.occurredAt), tokenHash: tokenHash ?? null, lastAccessed: null });
        return;
      }
      case 'RobotUpdated':
        await robots.update({ username: event.data.username }, { description: event.data.description });
        return;
      case 'RobotTokenRegenerated':
        await robots.update({ username: event.data.username }, { tokenHash: event.data.tokenHash });
        return;
      case 'RobotDeleted':
        await robots.delete({ username: event.data.username });
        return;
    }
  },
};
