import { notificationRuleNamespace, type NewEvent, type NotificationRule, type NotificationRuleEvent } from '@ferry/contracts';
import { DomainError, DomainErrorCode } from '@ferry/contracts';

export interface NotificationRuleState {
  rule: NotificationRule | null;
  /** Quay's "disabled after N failures": the notifier sends nothing for the rule until a reset. */
  disabled: boolean;
}

/** Quay's limit: a rule whose notifications failed this many times in a row is disabled (its `get_enabled_notification`). */
export const NOTIFICATION_FAILURE_LIMIT = 3;

/** Where a rule lives: on one mirror, or on a namespace (every mirror in it). */
export type NotificationRuleScope = { mirrorId: string } | { namespace: string };

export type NotificationRuleCommand =
  | { kind: 'create'; rule: NotificationRule }
  | { kind: 'delete'; scope: NotificationRuleScope }
  /** Quay's ResetRepositoryNotification: failures so far no longer count, and a disabled rule is enabled. */
  | { kind: 'reset-failures'; scope: NotificationRuleScope }
  /** The notifier saw `failures` failed sends in a row since the last reset or success. */
  | { kind: 'record-failures'; failures: number };

/** Whether a rule was created in this scope: a namespace path never reaches a mirror's rule, nor the reverse. */
export function ruleInScope(rule: NotificationRule, scope: NotificationRuleScope): boolean {
  if ('mirrorId' in scope) return rule.mirrorId === scope.mirrorId;
  return rule.mirrorId === null && notificationRuleNamespace(rule) === scope.namespace;
}

export const notificationRuleDecider = {
  initialState: (): NotificationRuleState => ({ rule: null, disabled: false }),
  evolve(state: NotificationRuleState, event: NotificationRuleEvent): NotificationRuleState {
    switch (event.type) {
      case 'NotificationRuleCreated':
        return { rule: event.data, disabled: false };
      case 'NotificationRuleDeleted':
        return { rule: null, disabled: false };
      case 'NotificationRuleFailuresReset':
        return { ...state, disabled: false };
      case 'NotificationRuleDisabled':
        return { ...state, disabled: true };
      default: {
        const never: never = event;
        return never;
      }
    }
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
      case 'reset-failures': {
        if (!state.rule || !ruleInScope(state.rule, command.scope)) {
          throw new DomainError(DomainErrorCode.RuleNotFound, 'no such notification rule here');
        }
        // Recorded even when nothing failed yet: the reset is the point from which failures count.
        const { ruleId, mirrorId } = state.rule;
        return [{ type: 'NotificationRuleFailuresReset', data: { ruleId, mirrorId, namespace: notificationRuleNamespace(state.rule) } }];
      }
      case 'record-failures': {
        // A rule deleted meanwhile, one already disabled, or one below the limit: nothing to record.
        if (!state.rule || state.disabled || command.failures < NOTIFICATION_FAILURE_LIMIT) return [];
        const { ruleId, mirrorId } = state.rule;
        return [{ type: 'NotificationRuleDisabled', data: { ruleId, mirrorId, namespace: notificationRuleNamespace(state.rule), failures: command.failures } }];
      }
      default: {
        const never: never = command;
        throw new Error(`unknown command ${JSON.stringify(never)}`);
      }
    }
  },
};
