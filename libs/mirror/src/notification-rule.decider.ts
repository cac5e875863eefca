import type { NewEvent, NotificationRule, NotificationRuleEvent } from '@ferry/contracts';
import { DomainError, DomainErrorCode } from './domain-error';

export interface NotificationRuleState {
  rule: NotificationRule | null;
}

export type NotificationRuleCommand = { kind: 'create'; rule: NotificationRule } | { kind: 'delete'; mirrorId: string };

export const notificationRuleDecider = {
  initialState: (): NotificationRuleState => ({ rule: null }),
  evolve(state: NotificationRuleState, event: NotificationRuleEvent): NotificationRuleState {
    if (event.type === 'NotificationRuleCreated') return { rule: event.data };
    if (event.type === 'NotificationRuleDeleted') return { rule: null };
    return state;
  },
  decide(command: NotificationRuleCommand, state: NotificationRuleState): NewEvent<NotificationRuleEvent>[] {
    if (command.kind === 'create') {
      if (state.rule) throw new DomainError(DomainErrorCode.RuleAlreadyExists, 'this notification rule already exists');
      return [{ type: 'NotificationRuleCreated', data: command.rule }];
    }
    if (!state.rule || state.rule.mirrorId !== command.mirrorId) {
      throw new DomainError(DomainErrorCode.RuleNotFound, 'no such notification rule on this repository');
    }
    return [{ type: 'NotificationRuleDeleted', data: { ruleId: state.rule.ruleId, mirrorId: command.mirrorId } }];
  },
};
