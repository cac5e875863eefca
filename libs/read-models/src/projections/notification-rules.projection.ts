import type { EntityManager } from 'typeorm';
import { notificationRuleEvents, notificationRuleNamespace, type StoredEvent } from '@ferry/contracts';
import { NotificationRuleRow } from '../entities/notification-rule.entity';
import type { Projection } from '../projection-runner';

export const notificationRulesProjection: Projection = {
  tables: ['notification_rules'],
  async apply(em: EntityManager, event: StoredEvent): Promise<void> {
    const rules = em.getRepository(NotificationRuleRow);
    switch (event.type) {
      case 'NotificationRuleCreated': {
        const rule = event.data;
        const { ruleId, mirrorId, method, target, title, secret, minConsecutiveFailures } = rule;
        const events = notificationRuleEvents(rule);
        await rules.insert({
          ruleId,
          mirrorId,
          namespace: notificationRuleNamespace(rule),
          event: events[0]!,
          events,
          method,
          target,
          title,
          secret,
          minConsecutiveFailures,
          createdAt: new Date(event.occurredAt),
          failuresResetAt: null,
          disabled: false,
        });
        return;
      }
      case 'NotificationRuleFailuresReset':
        await rules.update({ ruleId: event.data.ruleId }, { failuresResetAt: new Date(event.occurredAt), disabled: false });
        return;
      case 'NotificationRuleDisabled':
        await rules.update({ ruleId: event.data.ruleId }, { disabled: true });
        return;
      case 'NotificationRuleDeleted':
        await rules.delete({ ruleId: event.data.ruleId });
        return;
      case 'MirrorDeleted':
        // Namespace rules outlive any one mirror of the namespace.
        await rules.delete({ mirrorId: event.data.mirrorId });
        return;
      default:
        return;
    }
  },
};
