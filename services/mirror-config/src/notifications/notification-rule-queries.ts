import { Inject, Injectable } from '@nestjs/common';
import { IsNull, type DataSource } from 'typeorm';
import type { NotificationRuleScope } from '@ferry/mirror';
import { insertUserNotification, ruleFailureCounts, MirrorRow, NotificationDeliveryAttemptRow, NotificationDeliveryRow, NotificationRuleRow, RepositoryRow, type NewUserNotification } from '@ferry/read-models';
import { DATA_SOURCE } from '@ferry/service-runtime';
import { NotFoundError } from '../http/problem';
import { validateTarget } from '../mirror-lookup';

/** What the notification rules' routes read: the rules, their delivery log, and the repository a rule is for. */
@Injectable()
export class NotificationRuleQueries {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** A repository's rules: the repository (or its mirror) must exist; a repository without rules has an empty list. */
  async repositoryScope(namespace: string, repository: string): Promise<{ mirrorId: string }> {
    const id = validateTarget({ namespace, repository });
    const exists =
      (await this.dataSource.getRepository(RepositoryRow).existsBy({ namespace, name: repository })) || (await this.dataSource.getRepository(MirrorRow).existsBy({ mirrorId: id }));
    if (!exists) throw new NotFoundError(`no repository ${id}`);
    return { mirrorId: id };
  }

  rule(ruleId: string): Promise<NotificationRuleRow | null> {
    return this.dataSource.getRepository(NotificationRuleRow).findOneBy({ ruleId });
  }

  /** A rule its command has just created (and the read models shown): not there is a fault, not a 404. */
  createdRule(ruleId: string): Promise<NotificationRuleRow> {
    return this.dataSource.getRepository(NotificationRuleRow).findOneByOrFail({ ruleId });
  }

  /** The scope's own rules, oldest first: a namespace's list holds no mirror's rule. */
  rules(scope: NotificationRuleScope): Promise<NotificationRuleRow[]> {
    const where = 'mirrorId' in scope ? { mirrorId: scope.mirrorId } : { mirrorId: IsNull(), namespace: scope.namespace };
    return this.dataSource.getRepository(NotificationRuleRow).find({ where, order: { createdAt: 'ASC' } });
  }

  /** Quay's `number_of_failures` of each rule, from the delivery log (0 for a rule absent from the map). */
  failures(ruleIds: readonly string[]): Promise<Map<string, number>> {
    return ruleFailureCounts(this.dataSource.manager, ruleIds);
  }

  /** The rule's newest `limit` deliveries, and every attempt of each (attempt order). */
  async deliveries(ruleId: string, limit: number): Promise<{ deliveries: NotificationDeliveryRow[]; attempts: NotificationDeliveryAttemptRow[] }> {
    const deliveries = await this.dataSource.getRepository(NotificationDeliveryRow).find({ where: { ruleId }, order: { createdAt: 'DESC' }, take: limit });
    const attempts = deliveries.length
      ? await this.dataSource
          .getRepository(NotificationDeliveryAttemptRow)
          .createQueryBuilder('a')
          .where('a.delivery_id IN (:...ids)', { ids: deliveries.map((r) => r.deliveryId) })
          .orderBy('a.attempt', 'ASC')
          .getMany()
      : [];
    return { deliveries, attempts };
  }

  /** A test's sample in the user's in-app list: it is no event of the log, so no projection writes it. */
  async insertUserNotification(notification: NewUserNotification): Promise<void> {
    await insertUserNotification(this.dataSource.manager, notification);
  }
}
