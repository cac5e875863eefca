import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@ferry/contracts';
import { NotificationRuleRow } from '../entities/notification-rule.entity';
import type { Projection } from '../projection-runner';

export const notificationRulesProjection: Projection = {
  tables: ['notification_rules'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    const rules = em.getRepository(NotificationRuleRow);
    switch (event.type) {
      case 'NotificationRuleCreated': {
        const { ruleId, mirrorId, event: on, method, target, title, secret, minConsecutiveFailures } = event.data;
        await rules.insert({ ruleId, mirrorId, event: on, method, target, title, secret, minConsecutiveFailures, createdAt: new Date(event.occurredAt) });
        return;
      }
      case 'NotificationRuleDeleted':
        await rules.delete({ ruleId: event.data.ruleId });
        return;
      case 'MirrorDeleted':
        await rules.delete({ mirrorId: event.data.mirrorId });
        return;
      default:
        return;
    }
  },
};
