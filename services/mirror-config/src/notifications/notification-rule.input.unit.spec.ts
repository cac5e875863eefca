import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidRequestError } from '../http/problem';
import { parseNotificationRule } from './notification-rule.input';

const fieldsOf = (body: unknown): string[] => {
  try {
    parseNotificationRule(body);
  } catch (error) {
    assert.ok(error instanceof InvalidRequestError);
    return error.problems.map((p) => p.field);
  }
  assert.fail('expected a 400');
};

describe('reading a notification rule request', () => {
  it('takes Quay\'s single event as a list of one', () => {
    const rule = parseNotificationRule({ event: 'repo_mirror_sync_failed', method: 'email', config: { email: 'ops@example.com' } });
    assert.deepEqual(rule.events, ['repo_mirror_sync_failed']);
    assert.equal(rule.event, 'repo_mirror_sync_failed');
    assert.equal(rule.target, 'ops@example.com');
    assert.equal(rule.minConsecutiveFailures, 1);
  });

  it('takes a list of events, without duplicates, Quay\'s event first when both are given', () => {
    const rule = parseNotificationRule({
      event: 'repo_mirror_sync_failed',
      events: ['repo_mirror_sync_started', 'repo_mirror_sync_failed', 'repo_mirror_sync_started'],
      method: 'webhook',
      config: { url: 'https://hooks.example.com/x', secret: '0123456789abcdef' },
      eventConfig: { min_consecutive_failures: 3 },
    });
    assert.deepEqual(rule.events, ['repo_mirror_sync_failed', 'repo_mirror_sync_started']);
    assert.equal(rule.secret, '0123456789abcdef');
    assert.equal(rule.minConsecutiveFailures, 3);
  });

  it('reads an in-app rule in Quay\'s shape', () => {
    const rule = parseNotificationRule({ event: 'repo_mirror_sync_success', method: 'quay_notification', config: { target: { kind: 'user', name: 'alice' } } });
    assert.equal(rule.target, 'alice');
  });

  it('reads a Microsoft Teams rule, Ferry\'s own method, from its { url }', () => {
    const rule = parseNotificationRule({ event: 'repo_mirror_sync_failed', method: 'msteams', config: { url: 'https://example.webhook.office.com/webhookb2/x' } });
    assert.equal(rule.method, 'msteams');
    assert.equal(rule.target, 'https://example.webhook.office.com/webhookb2/x');
    assert.equal(rule.secret, null);
    assert.deepEqual(fieldsOf({ event: 'repo_mirror_sync_failed', method: 'msteams', config: { url: 'ftp://x', secret: '0123456789abcdef' } }), ['config.url', 'config.secret']);
  });

  it('names every bad field in one 400', () => {
    assert.deepEqual(fieldsOf({ method: 'webhook', config: { url: 'ftp://x' } }), ['event', 'config.url']);
    assert.deepEqual(fieldsOf({ events: ['repo_push'], method: 'slack', config: { url: 'https://hooks.slack.com/x', secret: '0123456789abcdef' } }), ['events', 'config.secret']);
    assert.deepEqual(fieldsOf({ event: 'repo_mirror_sync_failed', method: 'quay_notification', config: { target: { name: '' } } }), ['config.target.name']);
    assert.deepEqual(fieldsOf({ event: 'repo_mirror_sync_failed', method: 'email', config: { email: 'nope' }, eventConfig: { min_consecutive_failures: 1.5 } }), ['config.email', 'eventConfig.min_consecutive_failures']);
    assert.deepEqual(fieldsOf([]), ['(body)', 'event', 'method']);
  });
});
