import { notificationRuleNamespace, type NewEvent, type NotificationRule, type NotificationRuleEvent } from '@ferry/contracts';
import { DomainError, DomainErrorCode } from '@ferry/contracts';

export interface NotificationRuleState {
  rule: NotificationRule | null;
}

/** Where a rule lives: on one mirror, or on a namespace (every mirror in it). */
export type NotificationRuleScope = { mirrorId: string } | { namespace: string };

export type NotificationRuleCommand = { kind: 'create'; rule: NotificationRule } | { kind: 'delete'; scope: NotificationRuleScope };

/** Whether a rule was created in this scope: a namespace path never reaches a mirror's rule, nor the reverse. */
export function ruleInScope(rule: NotificationRule, scope: NotificationRuleScope): boolean {
  if ('mirrorId' in scope) return rule.mirrorId === scope.mirrorId;
  return rule.mirrorId === null && notificationRuleNamespace(rule) === scope.namespace;
}

export const notificationRuleDecider = {
  initialState: (): NotificationRuleState => ({ rule: null }),
  evolve(state: NotificationRuleState, event: NotificationRuleEvent): NotificationRuleState {
    if (event.type === 'NotificationRuleCreated') return { rule: event.data };
    if (event.type === 'NotificationRuleDeleted') return { rule: null };
    return state;
  },
  decide(command: NotificationRuleCommand, state: NotificationRuleState): NewEvent<NotificationRuleEvent>[] {
    switch (command.kind) {
      case 'create':
        if (state.rule) throw new DomainError(DomainErrorCode.RuleAlreadyExists, 'this notification rule already exists');
        return [{ type: 'NotificationRuleCreated', data: command.rule }];
      case 'delete': {
        if (!state.rule || !ruleInScope(state.rule, command.scope)) {
          throw new DomainError(DomainErrorCode.RuleNotFound, 'no such notification rule here');
        }
        const { ruleId, mirrorId } = state.rule;
        return [{ type: 'NotificationRuleDeleted', data: { ruleId, mirrorId, namespace: notificationRuleNamespace(state.rule) } }];
      }
      default: {
        const never: never = command;
        throw new Error(`unknown command ${JSON.stringify(never)}`);
      }
    }
  },
};
