import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import { RobotRow } from '../entities/robot.entity';
import type { Projection } from '../projection-runner';

export const robotsProjection: Projection = {
  tables: ['robots'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    if (event.type !== 'RobotCreated') return;
    const { username, namespace, name, description } = event.data;
    await em.getRepository(RobotRow).insert({ username, namespace, name, description, createdAt: new Date(event.occurredAt) });
  },
};
