import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NotificationEvent, NotificationMethod, type NewEvent, type NotificationRule, type NotificationRuleEvent } from '@ferry/contracts';
import { DomainError, DomainErrorCode } from '@ferry/contracts';
import { NOTIFICATION_FAILURE_LIMIT, notificationRuleDecider, type NotificationRuleCommand } from './notification-rule.decider';

const mirrorRule: NotificationRule = {
  ruleId: '11111111-1111-4111-8111-111111111111',
  mirrorId: 'acme/app',
  namespace: 'acme',
  event: NotificationEvent.Failed,
  events: [NotificationEvent.Failed, NotificationEvent.Succeeded],
  method: NotificationMethod.Webhook,
  target: 'https://hooks.example.com/x',
  title: '',
  secret: null,
  minConsecutiveFailures: 1,
};
const namespaceRule: NotificationRule = { ...mirrorRule, mirrorId: null };
// A rule stored before namespace rules existed: no `namespace`, no `events`.
const { namespace: _ns, events: _ev, ...v1Rule } = mirrorRule;

function given(...rules: NotificationRule[]) {
  const state = rules
    .map((rule): NotificationRuleEvent => ({ type: 'NotificationRuleCreated', data: rule }) as NotificationRuleEvent)
    .reduce(notificationRuleDecider.evolve, notificationRuleDecider.initialState());
  return { when: (command: NotificationRuleCommand) => notificationRuleDecider.decide(command, state) };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DomainError);
    return error.code;
  }
  assert.fail('expected a DomainError');
}

describe('notification rule decider', () => {
  it('creates a rule once and refuses a second create of the same id', () => {
    assert.deepEqual(given().when({ kind: 'create', rule: mirrorRule }), [{ type: 'NotificationRuleCreated', data: mirrorRule }]);
    assert.equal(codeOf(() => given(mirrorRule).when({ kind: 'create', rule: mirrorRule })), DomainErrorCode.RuleAlreadyExists);
  });

  it('deletes a mirror rule only through its own mirror', () => {
    assert.deepEqual(given(mirrorRule).when({ kind: 'delete', scope: { mirrorId: 'acme/app' } }), [
      { type: 'NotificationRuleDeleted', data: { ruleId: mirrorRule.ruleId, mirrorId: 'acme/app', namespace: 'acme' } },
    ]);
    assert.equal(codeOf(() => given(mirrorRule).when({ kind: 'delete', scope: { mirrorId: 'acme/other' } })), DomainErrorCode.RuleNotFound);
    assert.equal(codeOf(() => given(mirrorRule).when({ kind: 'delete', scope: { namespace: 'acme' } })), DomainErrorCode.RuleNotFound);
  });

  it('deletes a namespace rule only through its namespace', () => {
    assert.equal(given(namespaceRule).when({ kind: 'delete', scope: { namespace: 'acme' } }).length, 1);
    assert.equal(codeOf(() => given(namespaceRule).when({ kind: 'delete', scope: { namespace: 'other' } })), DomainErrorCode.RuleNotFound);
    assert.equal(codeOf(() => given(namespaceRule).when({ kind: 'delete', scope: { mirrorId: 'acme/app' } })), DomainErrorCode.RuleNotFound);
  });

  it('deletes a rule stored without namespace, reading the namespace from its mirror', () => {
    const [deleted] = given(v1Rule as NotificationRule).when({ kind: 'delete', scope: { mirrorId: 'acme/app' } });
    assert.deepEqual(deleted!.data, { ruleId: mirrorRule.ruleId, mirrorId: 'acme/app', namespace: 'acme' });
  });

  it('refuses to delete a rule that does not exist or is already deleted', () => {
    assert.equal(codeOf(() => given().when({ kind: 'delete', scope: { mirrorId: 'acme/app' } })), DomainErrorCode.RuleNotFound);
  });

  describe("Quay's failure count: reset and disable after NOTIFICATION_FAILURE_LIMIT failures", () => {
    const afterEvents = (...events: NewEvent<NotificationRuleEvent>[]) => events.map((e) => e as NotificationRuleEvent).reduce(notificationRuleDecider.evolve, notificationRuleDecider.initialState());
    const created: NewEvent<NotificationRuleEvent> = { type: 'NotificationRuleCreated', data: mirrorRule };
    const disabled: NewEvent<NotificationRuleEvent> = { type: 'NotificationRuleDisabled', data: { ruleId: mirrorRule.ruleId, mirrorId: 'acme/app', namespace: 'acme', failures: 3 } };
    const reset: NewEvent<NotificationRuleEvent> = { type: 'NotificationRuleFailuresReset', data: { ruleId: mirrorRule.ruleId, mirrorId: 'acme/app', namespace: 'acme' } };

    it('disables a rule at the limit, once, and not below it', () => {
      assert.equal(NOTIFICATION_FAILURE_LIMIT, 3);
      assert.deepEqual(notificationRuleDecider.decide({ kind: 'record-failures', failures: 2 }, afterEvents(created)), []);
      assert.deepEqual(notificationRuleDecider.decide({ kind: 'record-failures', failures: 3 }, afterEvents(created)), [disabled]);
      assert.deepEqual(notificationRuleDecider.decide({ kind: 'record-failures', failures: 4 }, afterEvents(created, disabled)), []);
      assert.deepEqual(notificationRuleDecider.decide({ kind: 'record-failures', failures: 3 }, afterEvents()), []);
      assert.equal(afterEvents(created, disabled).disabled, true);
    });

    it('resets through the rule\'s own scope only, enabling a disabled rule again', () => {
      assert.deepEqual(notificationRuleDecider.decide({ kind: 'reset-failures', scope: { mirrorId: 'acme/app' } }, afterEvents(created, disabled)), [reset]);
      assert.equal(afterEvents(created, disabled, reset).disabled, false);
      assert.equal(codeOf(() => notificationRuleDecider.decide({ kind: 'reset-failures', scope: { namespace: 'acme' } }, afterEvents(created))), DomainErrorCode.RuleNotFound);
      assert.equal(codeOf(() => notificationRuleDecider.decide({ kind: 'reset-failures', scope: { mirrorId: 'acme/app' } }, afterEvents())), DomainErrorCode.RuleNotFound);
    });
  });
});
